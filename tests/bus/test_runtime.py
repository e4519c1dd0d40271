"""The bus as it runs in a worker: woken by commits, retries claimed once across workers."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bus import Registry, build_registry, drain, publish, run_bus
from shopkeeper.bus.models import Delivery
from shopkeeper.bus.relay import relay_once
from shopkeeper.bus.retry import retry_due
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.bus import support
from tests.bus.support import FAILURES_LEFT, ThingHappened, effects
from tests.conftest import on_postgres


async def wait_for_effect(bus: Container, action: str, thing: uuid.UUID) -> int:
    for _ in range(200):
        async with bus.sessions() as session:
            if found := await effects(session, action, thing):
                return found
        await asyncio.sleep(0.05)
    return 0


async def test_the_running_bus_delivers_a_committed_event(
    bus: Container, registry: Registry
) -> None:
    bus.settings.relay_poll_seconds = 30  # only the after-commit wake-up can be this quick
    task = asyncio.create_task(run_bus(bus, registry))
    try:
        await asyncio.sleep(0.2)  # the relay is idle, waiting
        thing = uuid.uuid4()
        async with unit_of_work(bus.sessions) as session:
            publish(session, ThingHappened(thing_id=thing))
        assert await wait_for_effect(bus, "thing.seen", thing) == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_two_workers_retrying_at_once_run_each_delivery_once(
    bus: Container, registry: Registry, clock: FrozenClock
) -> None:
    things = [uuid.uuid4() for _ in range(12)]
    async with unit_of_work(bus.sessions) as session:
        for thing in things:
            FAILURES_LEFT[thing] = 5
            publish(session, ThingHappened(thing_id=thing))
    await drain(bus, registry)  # every flaky delivery failed once
    clock.advance(seconds=10)

    ran = await asyncio.gather(retry_due(bus, registry), retry_due(bus, registry))

    assert sum(ran) == len(things)
    async with bus.sessions() as session:
        attempts = (await session.scalars(select(Delivery.attempts))).all()
    assert sorted(attempts) == [2] * len(things)
    assert all(FAILURES_LEFT[thing] == 3 for thing in things)


@pytest.mark.skipif(not on_postgres(), reason="one SQLite process owns its database file")
async def test_a_second_relay_on_postgresql_waits_while_the_first_holds_the_outbox(
    bus: Container,
) -> None:
    support.GATE = support.Gate()
    registry = build_registry({"gated": {ThingHappened: [support.on_thing_gated]}})
    thing = uuid.uuid4()
    async with unit_of_work(bus.sessions) as session:
        publish(session, ThingHappened(thing_id=thing))
    first = asyncio.create_task(relay_once(bus, registry))
    await asyncio.wait_for(support.GATE.reached.wait(), 10)

    second = await asyncio.wait_for(relay_once(bus, registry), 10)
    assert second == 0  # another worker: nothing to take, nothing delivered twice

    support.GATE.opened.set()
    assert await first == 1
    assert support.GATE.calls == 1
    assert await wait_for_effect(bus, "thing.gated", thing) == 1
