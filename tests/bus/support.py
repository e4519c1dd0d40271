"""Events and handlers the bus tests subscribe; each effect is an audit_entry row."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit.models import AuditEntry
from shopkeeper.bus import Event
from shopkeeper.kit.clock import Clock
from shopkeeper.kit.context import correlation_id


class ThingHappened(Event):
    name = "bustest.thing_happened.v1"
    thing_id: uuid.UUID
    step: int = 0


class ThingFailed(Event):
    name = "bustest.thing_failed.v1"
    thing_id: uuid.UUID


class ShopThingFailed(Event):
    """A failing event about one shop (its payload names the shop, as real events do)."""

    name = "bustest.shop_thing_failed.v1"
    shop_id: uuid.UUID


# Flaky handlers fail while their counter for the thing is above zero (set by a test).
FAILURES_LEFT: dict[uuid.UUID, int] = {}


async def record(session: AsyncSession, action: str, event: ThingHappened | ThingFailed) -> None:
    """The observable effect of a handler: one audit row, carrying the correlation id."""
    await session.execute(
        insert(AuditEntry).values(
            id=uuid.uuid4(),
            actor_type="system",
            actor_label="bus-test",
            action=action,
            target_type="thing",
            target_id=str(event.thing_id),
            after={"step": getattr(event, "step", 0)},
            correlation_id=correlation_id.get(),
            created_at=datetime.now(UTC),
        )
    )


async def effects(session: AsyncSession, action: str, thing_id: uuid.UUID | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    if thing_id is not None:
        query = query.where(AuditEntry.target_id == str(thing_id))
    return int(await session.scalar(query) or 0)


async def on_thing(event: ThingHappened, session: AsyncSession) -> None:
    await record(session, "thing.seen", event)


async def on_thing_flaky(event: ThingHappened, session: AsyncSession, clock: Clock) -> None:
    await record(session, "thing.flaky", event)  # rolled back with the failure below
    left = FAILURES_LEFT.get(event.thing_id, 0)
    if left > 0:
        FAILURES_LEFT[event.thing_id] = left - 1
        raise RuntimeError(f"flaky failure, {left - 1} left at {clock.now().isoformat()}")


async def on_thing_failed(event: ThingFailed, session: AsyncSession) -> None:
    await record(session, "thing.failed", event)
    raise ValueError("this handler always fails")


async def on_shop_thing_failed(event: ShopThingFailed, session: AsyncSession) -> None:
    raise ValueError("this handler always fails")


async def on_thing_slow(event: ThingHappened, session: AsyncSession) -> None:
    """Records, then blocks while the BLOCK file exists (a worker to kill mid-handler)."""
    await record(session, "thing.slow", event)
    block = os.environ.get("BUS_TEST_BLOCK_FILE")
    if block and Path(block).exists():
        Path(block + ".started").write_text(str(os.getpid()))
        while Path(block).exists():
            await asyncio.sleep(0.05)  # a handler waiting on I/O; the worker is killed meanwhile


HANDLERS = {ThingHappened: [on_thing_slow]}  # what the worker subprocesses subscribe


class Gate:
    """Holds handlers at a gate until a test opens it (to overlap two relays)."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.opened = asyncio.Event()
        self.calls = 0

    async def on_thing(self, event: ThingHappened, session: AsyncSession) -> None:
        self.calls += 1
        self.reached.set()
        await self.opened.wait()
        await record(session, "thing.gated", event)


GATE = Gate()


async def on_thing_gated(event: ThingHappened, session: AsyncSession) -> None:
    await GATE.on_thing(event, session)
