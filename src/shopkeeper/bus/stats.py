"""Numbers about the bus for dashboards and /metrics: outbox lag, retrying and dead deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.dispatch import DEAD, RETRY
from shopkeeper.bus.models import Delivery, OutboxEvent
from shopkeeper.kit.clock import as_utc


@dataclass(frozen=True)
class BusStats:
    unpublished: int  # outbox rows the relay has not moved yet
    outbox_lag_seconds: float  # age of the oldest of them (0 when none)
    retrying: int  # failed deliveries waiting for their next attempt
    dead: int  # deliveries parked after the last attempt failed


async def bus_stats(session: AsyncSession, now: datetime) -> BusStats:
    """Count the outbox backlog and the failed deliveries as of `now`."""
    backlog = (
        await session.execute(
            select(func.count(), func.min(OutboxEvent.created_at)).where(
                OutboxEvent.published_at.is_(None)
            )
        )
    ).one()
    by_status = dict(
        (
            await session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        ).all()
    )
    oldest = backlog[1]
    lag = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0
    return BusStats(
        unpublished=int(backlog[0]),
        outbox_lag_seconds=lag,
        retrying=int(by_status.get(RETRY, 0)),
        dead=int(by_status.get(DEAD, 0)),
    )
