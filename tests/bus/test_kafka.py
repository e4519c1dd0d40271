"""Kafka through FastStream's in-memory TestKafkaBroker (no Kafka server on this machine)."""

from __future__ import annotations

import uuid
from typing import Any

from faststream import Context
from faststream.kafka import TestKafkaBroker
from sqlalchemy import select

from shopkeeper.bootstrap import Container, build_container
from shopkeeper.bus import Registry, publish
from shopkeeper.bus.models import Delivery, OutboxEvent
from shopkeeper.bus.relay import relay_once
from shopkeeper.bus.runtime import open_transport
from shopkeeper.db import unit_of_work
from shopkeeper.kit.context import set_correlation_id
from tests.bus.support import FAILURES_LEFT, ThingHappened, effects
from tests.conftest import make_settings


async def test_kafka_delivers_by_key_to_each_group_and_acks_after_commit(
    database_url: str, registry: Registry
) -> None:
    settings = make_settings(
        database_url, broker_url="kafka://127.0.0.1:9092", broker_namespace="t1"
    )
    container: Container = build_container(settings)
    transport = open_transport(container, registry)
    broker = transport.broker
    seen: list[tuple[Any, dict[str, Any]]] = []

    @broker.subscriber("t1-bustest-events", group_id="spy")
    async def spy(body: Any, message: Any = Context("message")) -> None:
        seen.append((message.raw_message.key, message.headers))

    thing = uuid.uuid4()
    FAILURES_LEFT[thing] = 1
    async with TestKafkaBroker(broker):
        set_correlation_id("req-kafka")
        try:
            async with unit_of_work(container.sessions) as session:
                publish(session, ThingHappened(thing_id=thing))
        finally:
            set_correlation_id(None)
        assert await relay_once(container, registry, transport.publish) == 1

    async with container.sessions() as session:
        assert await effects(session, "thing.seen", thing) == 1
        assert await effects(session, "thing.flaky", thing) == 0  # failed: parked for retry
        [delivery] = (await session.scalars(select(Delivery))).all()
        published = await session.scalar(select(OutboxEvent.published_at))
    await container.close()
    assert delivery.handler == "tests.bus.support:on_thing_flaky"
    assert published is not None
    [(key, headers)] = seen
    assert key == str(thing).encode()
    assert headers["correlation-id"] == "req-kafka"
    assert headers["event-name"] == ThingHappened.name
