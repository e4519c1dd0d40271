"""Broker options carried by the settings: names under a namespace, the redelivery delay."""

from __future__ import annotations

import pytest

from shopkeeper.bus.brokers import make_transport
from shopkeeper.bus.brokers.kafka import bootstrap_servers
from shopkeeper.bus.brokers.options import parse_options
from shopkeeper.settings import SettingsError
from tests.conftest import make_settings


async def handle(group: str, envelopes: object) -> None:
    return None


def test_our_query_option_is_taken_off_the_url_the_client_sees() -> None:
    settings = make_settings(
        "sqlite+aiosqlite:///x.db",
        broker_url="amqp://guest:guest@127.0.0.1:5672/?heartbeat=10&redeliver_seconds=2.5",
        broker_namespace="ci-7",
    )
    options = parse_options(settings)
    assert options.url == "amqp://guest:guest@127.0.0.1:5672/?heartbeat=10"
    assert options.redeliver_seconds == 2.5
    assert options.name("orders-events") == "ci-7-orders-events"
    assert parse_options(make_settings("sqlite+aiosqlite:///x.db")).redeliver_seconds == 30


def test_a_wrong_redelivery_delay_names_the_setting() -> None:
    settings = make_settings(
        "sqlite+aiosqlite:///x.db", broker_url="nats://h:4222?redeliver_seconds=0"
    )
    with pytest.raises(ValueError, match="SHOPKEEPER_BROKER_URL: redeliver_seconds"):
        make_transport(settings, {}, handle)


def test_a_namespace_with_odd_characters_is_refused_at_start_up() -> None:
    with pytest.raises(SettingsError, match="SHOPKEEPER_BROKER_NAMESPACE"):
        make_settings("sqlite+aiosqlite:///x.db", broker_namespace="a.b")


def test_kafka_urls_list_their_bootstrap_servers() -> None:
    assert bootstrap_servers("kafka://k1:9092,k2:9093") == ["k1:9092", "k2:9093"]
    assert bootstrap_servers("kafka://user:pw@k1:9092") == ["k1:9092"]
