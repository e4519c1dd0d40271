"""Embedded delivery: outbox → relay → handlers, each in its own transaction with an inbox."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shopkeeper.audit.models import AuditEntry
from shopkeeper.bootstrap import Container
from shopkeeper.bus import (
    DeadDeliveryNotFound,
    Registry,
    bus_stats,
    drain,
    list_dead,
    publish,
    retry_dead,
)
from shopkeeper.bus.models import Delivery, OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.kit.context import set_correlation_id
from tests.bus.support import FAILURES_LEFT, ThingFailed, ThingHappened, effects


async def publish_one(bus: Container, event: ThingHappened | ThingFailed) -> None:
    async with unit_of_work(bus.sessions) as session:
        publish(session, event, now=bus.clock.now())


async def count(bus: Container, action: str, thing_id: uuid.UUID | None = None) -> int:
    async with bus.sessions() as session:
        return await effects(session, action, thing_id)


async def deliveries(bus: Container) -> list[Delivery]:
    async with bus.sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.handler))).all())


async def test_event_of_a_rolled_back_transaction_is_never_delivered(
    bus: Container, registry: Registry
) -> None:
    kept, dropped = uuid.uuid4(), uuid.uuid4()
    async with bus.sessions() as session:
        publish(session, ThingHappened(thing_id=dropped))
        await session.flush()
        await session.rollback()
    await publish_one(bus, ThingHappened(thing_id=kept))

    assert await drain(bus, registry) == 1
    assert await count(bus, "thing.seen", dropped) == 0
    assert await count(bus, "thing.seen", kept) == 1


async def test_events_of_a_rolled_back_savepoint_are_dropped_the_rest_kept_in_order(
    bus: Container, registry: Registry
) -> None:
    first, undone, inner, released, last = (uuid.uuid4() for _ in range(5))
    async with unit_of_work(bus.sessions) as session:
        publish(session, ThingHappened(thing_id=first))
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                publish(session, ThingHappened(thing_id=undone))
                async with session.begin_nested():  # released into the one rolled back
                    publish(session, ThingHappened(thing_id=inner))
                raise RuntimeError("this part is undone")
        async with session.begin_nested():
            publish(session, ThingHappened(thing_id=released))
        publish(session, ThingHappened(thing_id=last))

    assert await drain(bus, registry) == 3
    for thing, seen in ((first, 1), (undone, 0), (inner, 0), (released, 1), (last, 1)):
        assert await count(bus, "thing.seen", thing) == seen
    async with bus.sessions() as session:
        payloads = await session.scalars(select(OutboxEvent.payload).order_by(OutboxEvent.position))
        assert [p["thing_id"] for p in payloads] == [str(first), str(released), str(last)]


async def test_event_delivered_twice_has_one_effect(bus: Container, registry: Registry) -> None:
    thing = uuid.uuid4()
    await publish_one(bus, ThingHappened(thing_id=thing))
    await drain(bus, registry)
    async with unit_of_work(bus.sessions) as session:  # as if the relay died before marking it
        await session.execute(update(OutboxEvent).values(published_at=None))
    assert await drain(bus, registry) == 1  # relayed again...

    assert await count(bus, "thing.seen", thing) == 1  # ...but the inbox stopped a 2nd effect
    assert await count(bus, "thing.flaky", thing) == 1


async def test_handler_failing_three_times_is_retried_with_backoff_and_completes(
    bus: Container, registry: Registry, clock: FrozenClock
) -> None:
    thing = uuid.uuid4()
    FAILURES_LEFT[thing] = 3
    await publish_one(bus, ThingHappened(thing_id=thing))
    await drain(bus, registry)
    assert await count(bus, "thing.seen", thing) == 1  # the other handler is not held back

    for attempts, wait in ((1, 10), (2, 20), (3, 40)):
        [delivery] = await deliveries(bus)
        assert (delivery.status, delivery.attempts) == ("retry", attempts)
        assert delivery.next_attempt_at == clock.now() + timedelta(seconds=wait)
        clock.advance(seconds=wait - 1)
        await drain(bus, registry)  # not due yet: nothing happens
        assert (await deliveries(bus))[0].attempts == attempts
        clock.advance(seconds=1)
        await drain(bus, registry)

    assert await deliveries(bus) == []
    assert await count(bus, "thing.flaky", thing) == 1
    assert await count(bus, "thing.seen", thing) == 1


async def test_handler_is_parked_dead_after_max_attempts_and_can_be_revived(
    bus: Container, registry: Registry
) -> None:
    bus.settings.event_retry_base_seconds = 0  # every retry is due at once
    thing = uuid.uuid4()
    FAILURES_LEFT[thing] = 6  # 5 attempts fail: dead; revived, it fails once more, then works
    await publish_one(bus, ThingHappened(thing_id=thing))
    await drain(bus, registry)

    [delivery] = await deliveries(bus)
    assert (delivery.status, delivery.attempts) == ("dead", 5)
    async with unit_of_work(bus.sessions) as session:
        [dead] = await list_dead(session)
        stats = await bus_stats(session, bus.clock.now())
        assert (dead.name, dead.handler) == (ThingHappened.name, "tests.bus.support:on_thing_flaky")
        assert dead.last_error.startswith("RuntimeError: flaky failure, 1 left")
        assert (stats.dead, stats.retrying, stats.unpublished) == (1, 0, 0)
        assert await retry_dead(session, event_id=dead.event_id, now=bus.clock.now()) == 1
    assert await count(bus, "thing.flaky", thing) == 0
    await drain(bus, registry)
    assert await deliveries(bus) == []
    assert await count(bus, "thing.flaky", thing) == 1


async def test_a_handler_that_always_fails_ends_dead_without_effect(
    bus: Container, registry: Registry
) -> None:
    bus.settings.event_retry_base_seconds = 0
    thing = uuid.uuid4()
    await publish_one(bus, ThingFailed(thing_id=thing))
    await drain(bus, registry)
    [delivery] = await deliveries(bus)
    assert (delivery.status, delivery.attempts) == ("dead", 5)
    assert delivery.last_error == "ValueError: this handler always fails"
    assert await count(bus, "thing.failed", thing) == 0


async def test_handlers_see_the_publishers_correlation_id(
    bus: Container, registry: Registry
) -> None:
    thing = uuid.uuid4()
    set_correlation_id("req-42")
    try:
        await publish_one(bus, ThingHappened(thing_id=thing))
    finally:
        set_correlation_id(None)
    await drain(bus, registry)
    async with bus.sessions() as session:
        rows = (await session.scalars(select(AuditEntry.correlation_id))).all()
    assert rows == ["req-42", "req-42"]


async def test_events_of_one_key_are_delivered_in_publishing_order(
    bus: Container, registry: Registry
) -> None:
    thing = uuid.uuid4()
    for step in range(5):
        await publish_one(bus, ThingHappened(thing_id=thing, step=step))
    await drain(bus, registry)
    async with bus.sessions() as session:
        steps = (
            await session.scalars(
                select(AuditEntry.after)
                .where(AuditEntry.action == "thing.seen")
                .order_by(AuditEntry.created_at)
            )
        ).all()
    assert [s["step"] for s in steps] == [0, 1, 2, 3, 4]


async def test_stats_show_the_outbox_lag(bus: Container, clock: FrozenClock) -> None:
    await publish_one(bus, ThingHappened(thing_id=uuid.uuid4()))
    clock.advance(seconds=7)
    await publish_one(bus, ThingHappened(thing_id=uuid.uuid4()))
    async with bus.sessions() as session:
        stats = await bus_stats(session, clock.now())
    assert (stats.unpublished, stats.outbox_lag_seconds) == (2, 7.0)


async def test_retrying_an_unknown_dead_delivery_is_a_not_found(bus: Container) -> None:
    async with bus.sessions() as session:
        with pytest.raises(DeadDeliveryNotFound):
            await retry_dead(session, event_id=uuid.uuid4(), now=bus.clock.now())


async def test_a_failing_handler_neither_undoes_nor_repeats_the_others_in_its_batch(
    bus: Container, registry: Registry
) -> None:
    things = [uuid.uuid4() for _ in range(6)]
    FAILURES_LEFT[things[2]] = 1
    async with unit_of_work(bus.sessions) as session:  # one relay batch, one delivery group
        for thing in things:
            publish(session, ThingHappened(thing_id=thing))
    await drain(bus, registry)

    for thing in things:
        assert await count(bus, "thing.seen", thing) == 1
        assert await count(bus, "thing.flaky", thing) == (0 if thing == things[2] else 1)
    [delivery] = await deliveries(bus)
    assert (delivery.event_id, delivery.attempts) == (await event_id_of(bus, 2), 1)
    assert FAILURES_LEFT[things[2]] == 0  # it ran once, not once in the group and once alone


async def event_id_of(bus: Container, index: int) -> uuid.UUID:
    async with bus.sessions() as session:
        ids = (
            await session.scalars(select(OutboxEvent.event_id).order_by(OutboxEvent.position))
        ).all()
    return ids[index]
