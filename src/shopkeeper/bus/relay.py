"""The relay: moves committed outbox rows, in order, to their handlers or to the broker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.batch import concurrency_for, deliver_all
from shopkeeper.bus.envelope import Envelope
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.bus.ports import BusContainer
from shopkeeper.bus.registry import Registry, registry_for
from shopkeeper.bus.retry import retry_due

# Publishes a batch to the broker and returns once the broker has it (durably).
Publish = Callable[[Sequence[Envelope]], Awaitable[None]]

# One relay at a time on PostgreSQL keeps the outbox order (a transaction-scoped advisory lock).
RELAY_LOCK_KEY = 0x53484F50_52454C41  # "SHOPRELA"
_COLUMNS = OutboxEvent.__table__.c


async def _take_relay_lock(session: AsyncSession, container: BusContainer) -> bool:
    if container.settings.is_sqlite:
        return True  # BEGIN IMMEDIATE already serialises writers, one process owns the file
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY))))


async def _unpublished(session: AsyncSession, limit: int) -> list[Envelope]:
    rows = await session.execute(
        select(
            _COLUMNS.event_id,
            _COLUMNS.name,
            _COLUMNS.topic,
            _COLUMNS.key,
            _COLUMNS.payload,
            _COLUMNS.correlation_id,
            _COLUMNS.created_at,
        )
        .where(_COLUMNS.published_at.is_(None))
        .order_by(_COLUMNS.position)
        .limit(limit)
    )
    return [Envelope.from_row(row) for row in rows]


async def relay_once(
    container: BusContainer, registry: Registry, publish: Publish | None = None
) -> int:
    """Move one batch of unpublished events; returns how many (0: none, or another relay runs).

    Without `publish` the batch goes to its handlers in this process (the embedded shape);
    with it the batch goes to the broker. Either way a row is marked published only after.
    """
    async with container.sessions() as session:
        if not await _take_relay_lock(session, container):
            return 0
        envelopes = await _unpublished(session, container.settings.relay_batch_size)
        if not envelopes:
            return 0
        if container.settings.is_sqlite:
            await session.commit()  # free SQLite's single write lock for the handlers
        if publish is None:
            await deliver_all(
                container, registry, envelopes, concurrency=concurrency_for(container)
            )
        else:
            await publish(envelopes)
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.event_id.in_([e.event_id for e in envelopes]))
            .values(published_at=container.clock.now())
        )
        await session.commit()
    return len(envelopes)


async def drain(container: BusContainer, registry: Registry | None = None) -> int:
    """Deliver everything due now, in this process: the outbox, then due retries, until quiet.

    For tests, the CLI and scripts: it ignores the broker. Returns how many outbox events and
    retried deliveries it handled.
    """
    registry = registry or registry_for(container)
    total = 0
    while True:
        moved = await relay_once(container, registry)
        moved += await retry_due(container, registry)
        if not moved:
            return total
        total += moved
