"""The retry dispatcher: claims due deliveries (safely across workers) and runs them again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from shopkeeper.bus.dispatch import RETRY, deliver, record_failure
from shopkeeper.bus.envelope import Envelope
from shopkeeper.bus.models import Delivery, OutboxEvent
from shopkeeper.bus.ports import BusContainer
from shopkeeper.bus.registry import Registry
from shopkeeper.db import unit_of_work

# A claimed delivery is hidden this long; if its worker dies, another one takes it after.
CLAIM_LEASE = timedelta(minutes=5)
RETRY_BATCH = 100


async def claim_due(
    container: BusContainer, limit: int = RETRY_BATCH
) -> list[tuple[str, Envelope]]:
    """Take up to `limit` due deliveries: (handler identity, event), leased to this worker."""
    now = container.clock.now()
    outbox = OutboxEvent.__table__.c
    query = (
        select(
            Delivery.handler,
            outbox.event_id,
            outbox.name,
            outbox.topic,
            outbox.key,
            outbox.payload,
            outbox.correlation_id,
            outbox.created_at,
        )
        .join(OutboxEvent, OutboxEvent.event_id == Delivery.event_id)
        .where(Delivery.status == RETRY, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)  # PostgreSQL; SQLite: BEGIN IMMEDIATE
    )
    async with unit_of_work(container.sessions) as session:
        rows = (await session.execute(query)).all()
        for row in rows:
            await session.execute(
                update(Delivery)
                .where(Delivery.event_id == row.event_id, Delivery.handler == row.handler)
                .values(next_attempt_at=now + CLAIM_LEASE)
            )
    return [(row.handler, Envelope.from_row(row)) for row in rows]


async def retry_due(container: BusContainer, registry: Registry) -> int:
    """Run one batch of due deliveries again; returns how many were attempted."""
    claimed = await claim_due(container)
    for handler, envelope in claimed:
        sub = registry.find(envelope.name, handler)
        if sub is None:
            await record_failure(
                container, handler, envelope, f"handler {handler} is not registered in this worker"
            )
            continue
        await deliver(container, sub, envelope, retrying=True)
    return len(claimed)
