"""`shopkeeper events dead / retry / stats / drain` against a real database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from shopkeeper.bootstrap import build_container
from shopkeeper.bus import build_registry, drain, publish
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.cli import app
from shopkeeper.db import unit_of_work
from shopkeeper.settings import get_settings
from tests.bus import support
from tests.conftest import TEST_FERNET_KEY, make_settings


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI reads its settings from the environment, like in production."""
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", database_url)
    monkeypatch.setenv("SHOPKEEPER_SECRET_KEY", "test-secret-key-0123456789abcdef0123456789")
    monkeypatch.setenv("SHOPKEEPER_ENCRYPTION_KEYS", TEST_FERNET_KEY)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def make_dead_delivery(database_url: str) -> uuid.UUID:
    """Publish an event whose handler always fails and drain until it is dead."""

    async def run() -> uuid.UUID:
        settings = make_settings(database_url, event_retry_base_seconds=0, event_max_attempts=2)
        container = build_container(settings)
        registry = build_registry({"failing": {support.ThingFailed: [support.on_thing_failed]}})
        try:
            async with unit_of_work(container.sessions) as session:
                publish(session, support.ThingFailed(thing_id=uuid.uuid4()))
            await drain(container, registry)
            async with container.sessions() as session:
                return (await session.scalars(select(OutboxEvent.event_id))).one()
        finally:
            await container.close()

    return asyncio.run(run())


def test_dead_lists_the_dead_delivery_and_retry_revives_it(env: str) -> None:
    event_id = make_dead_delivery(env)
    runner = CliRunner()

    listed = runner.invoke(app, ["events", "dead"])
    assert listed.exit_code == 0, listed.output
    assert str(event_id) in listed.output
    assert "bustest.thing_failed.v1" in listed.output
    assert "tests.bus.support:on_thing_failed" in listed.output
    assert "ValueError: this handler always fails" in listed.output

    stats = runner.invoke(app, ["events", "stats"])
    assert "dead:        1" in stats.output

    retried = runner.invoke(app, ["events", "retry", str(event_id)])
    assert retried.exit_code == 0, retried.output
    assert "1 delivery" in retried.output
    assert "no dead deliveries" in runner.invoke(app, ["events", "dead"]).output
    assert "retrying:    1" in runner.invoke(app, ["events", "stats"]).output


def test_retry_of_an_unknown_id_is_a_clear_error(env: str) -> None:
    unknown = uuid.uuid4()
    result = CliRunner().invoke(app, ["events", "retry", str(unknown)])
    assert result.exit_code == 1
    assert f"no dead delivery for event {unknown}" in result.output

    garbage = CliRunner().invoke(app, ["events", "retry", "not-an-id"])
    assert garbage.exit_code == 1
    assert "is not an event id" in garbage.output


def test_drain_delivers_the_outbox(env: str) -> None:
    async def publish_one() -> None:
        container = build_container(make_settings(env))
        async with unit_of_work(container.sessions) as session:
            publish(session, support.ThingHappened(thing_id=uuid.uuid4()))
        await container.close()

    asyncio.run(publish_one())
    result = CliRunner().invoke(app, ["events", "drain"])
    assert result.exit_code == 0, result.output
    assert "1 events and retries handled" in result.output
    assert "unpublished: 0" in CliRunner().invoke(app, ["events", "stats"]).output
