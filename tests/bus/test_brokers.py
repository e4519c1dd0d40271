"""Delivery through the real Redis Streams, RabbitMQ and NATS JetStream servers.

Skipped unless SHOPKEEPER_TEST_BROKERS=1 (CI sets it on the PostgreSQL run).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit.models import AuditEntry
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.bus import Registry, build_registry, load_registry, publish, run_bus
from shopkeeper.bus.models import Delivery, InboxEntry
from shopkeeper.db import unit_of_work
from shopkeeper.kit.context import set_correlation_id
from tests.bus import support
from tests.bus.brokers import BROKERS, needs_brokers, purge
from tests.bus.support import FAILURES_LEFT, ThingFailed, ThingHappened, effects
from tests.conftest import TEST_FERNET_KEY, make_settings, on_postgres

pytestmark = needs_brokers
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=sorted(BROKERS))
def broker_url(request: pytest.FixtureRequest) -> str:
    return BROKERS[request.param]


@pytest.fixture
def namespace() -> str:
    return f"sk{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def broker_bus(
    database_url: str, broker_url: str, namespace: str, registry: Registry
) -> AsyncIterator[Container]:
    settings = make_settings(
        database_url,
        broker_url=broker_url,
        broker_namespace=namespace,
        event_retry_base_seconds=0.1,
    )
    container = build_container(settings)
    yield container
    await container.close()
    await purge(broker_url, namespace, registry.groups())


async def wait_until(check: Callable[[], Awaitable[object]], seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)


async def test_events_travel_through_the_broker_to_every_consumer_group(
    broker_bus: Container, registry: Registry
) -> None:
    thing = uuid.uuid4()
    FAILURES_LEFT[thing] = 2  # the flaky group's handler is retried from the database
    task = asyncio.create_task(run_bus(broker_bus, registry))
    try:
        set_correlation_id("req-broker-1")
        try:
            async with unit_of_work(broker_bus.sessions) as session:
                publish(session, ThingHappened(thing_id=thing))
        finally:
            set_correlation_id(None)

        async def delivered() -> bool:
            async with broker_bus.sessions() as session:
                seen = await effects(session, "thing.seen", thing)
                return seen + await effects(session, "thing.flaky", thing) == 2

        await wait_until(delivered)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with broker_bus.sessions() as session:
        correlation = (await session.scalars(select(AuditEntry.correlation_id))).all()
        pending = await session.scalar(select(func.count()).select_from(Delivery))
    assert correlation == ["req-broker-1", "req-broker-1"]
    assert pending == 0
    assert FAILURES_LEFT[thing] == 0


@pytest.fixture
def block_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "block"
    path.write_text("hold the handler")
    yield path
    path.unlink(missing_ok=True)


def start_worker(
    database_url: str, broker_url: str, namespace: str, block: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": database_url,
        "SHOPKEEPER_BROKER_URL": f"{broker_url}?redeliver_seconds=2",
        "SHOPKEEPER_BROKER_NAMESPACE": namespace,
        "SHOPKEEPER_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
        "BUS_TEST_BLOCK_FILE": str(block),
    }
    with open(block.with_suffix(f".{uuid.uuid4().hex[:4]}.log"), "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.bus.worker_process"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )


async def test_a_worker_killed_mid_handler_leads_to_redelivery_and_one_effect(
    database_url: str, broker_url: str, namespace: str, block_file: Path
) -> None:
    settings = make_settings(database_url)
    container = build_container(settings)
    first = start_worker(database_url, broker_url, namespace, block_file)
    second: subprocess.Popen[bytes] | None = None
    started = block_file.with_name(block_file.name + ".started")
    thing = uuid.uuid4()
    try:
        async with unit_of_work(container.sessions) as session:
            publish(session, ThingHappened(thing_id=thing))

        async def handler_started() -> bool:
            return started.exists()

        await wait_until(handler_started, seconds=60)
        assert started.exists(), "the first worker never started the handler"

        first.send_signal(signal.SIGKILL)  # in the middle of the handler's transaction
        first.wait()
        block_file.unlink()
        second = start_worker(database_url, broker_url, namespace, block_file)

        async def slow_effects() -> int:
            async with container.sessions() as session:
                return await effects(session, "thing.slow", thing)

        await wait_until(slow_effects, seconds=60)
        await asyncio.sleep(3)  # time enough for a (wrong) second delivery to show up
        async with container.sessions() as session:
            inbox = await session.scalar(select(func.count()).select_from(InboxEntry))
        assert await slow_effects() == 1
        assert inbox == 1
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        await container.close()
        await purge(broker_url, namespace, load_registry(["tests.bus.support"]).groups())


async def on_thing_held(event: ThingHappened, session: AsyncSession) -> None:
    await support.GATE.on_thing(event, session)


async def on_thing_held_too(event: ThingHappened, session: AsyncSession) -> None:
    await support.GATE.on_thing(event, session)


async def on_thing_noted(event: ThingFailed, session: AsyncSession) -> None:
    await support.record(session, "thing.noted", event)


@pytest.mark.skipif(not on_postgres(), reason="SQLite has one writer: a held handler holds all")
async def test_handlers_held_up_in_two_groups_do_not_hold_back_a_third(
    database_url: str, broker_url: str, namespace: str
) -> None:
    """Consumer groups share a process's database connections, not two batch slots."""
    support.GATE = support.Gate()
    registry = build_registry(
        {
            "slow_a": {ThingHappened: [on_thing_held]},
            "slow_b": {ThingHappened: [on_thing_held_too]},
            "quick": {ThingFailed: [on_thing_noted]},
        }
    )
    settings = make_settings(database_url, broker_url=broker_url, broker_namespace=namespace)
    container = build_container(settings)
    task = asyncio.create_task(run_bus(container, registry))
    try:
        async with unit_of_work(container.sessions) as session:
            publish(session, ThingHappened(thing_id=uuid.uuid4()))

        async def both_held() -> bool:
            return support.GATE.calls == 2

        await wait_until(both_held)
        assert support.GATE.calls == 2, "the slow groups never started their handlers"
        async with unit_of_work(container.sessions) as session:
            publish(session, ThingFailed(thing_id=uuid.uuid4()))

        async def noted() -> int:
            async with container.sessions() as session:
                return await effects(session, "thing.noted")

        await wait_until(noted)
        assert await noted() == 1  # while both slow handlers still hold their batches
        support.GATE.opened.set()

        async def gated() -> bool:
            async with container.sessions() as session:
                return await effects(session, "thing.gated") == 2

        await wait_until(gated)
        assert await gated()
    finally:
        support.GATE.opened.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await container.close()
        await purge(broker_url, namespace, registry.groups())
