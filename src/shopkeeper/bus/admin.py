"""Operator actions on failed deliveries: list the dead ones, put them back to retry."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.dispatch import DEAD, RETRY
from shopkeeper.bus.errors import DeadDeliveryNotFound
from shopkeeper.bus.models import Delivery, OutboxEvent


class DeadDelivery(BaseModel):
    event_id: uuid.UUID
    name: str
    handler: str
    attempts: int
    last_error: str
    failed_at: datetime


async def list_dead(session: AsyncSession, *, limit: int = 100) -> list[DeadDelivery]:
    """The most recently parked dead deliveries first."""
    rows = await session.execute(
        select(Delivery, OutboxEvent.name)
        .join(OutboxEvent, OutboxEvent.event_id == Delivery.event_id)
        .where(Delivery.status == DEAD)
        .order_by(Delivery.updated_at.desc())
        .limit(limit)
    )
    return [
        DeadDelivery(
            event_id=delivery.event_id,
            name=name,
            handler=delivery.handler,
            attempts=delivery.attempts,
            last_error=delivery.last_error,
            failed_at=delivery.updated_at,
        )
        for delivery, name in rows
    ]


async def dead_count(session: AsyncSession, *, shop_id: uuid.UUID | None = None) -> int:
    """How many deliveries are dead; with `shop_id`, those of events about that shop."""
    query = select(func.count()).select_from(Delivery).where(Delivery.status == DEAD)
    if shop_id is not None:
        query = query.join(OutboxEvent, OutboxEvent.event_id == Delivery.event_id).where(
            OutboxEvent.payload["shop_id"].as_string() == str(shop_id)
        )
    return int(await session.scalar(query) or 0)


async def retry_dead(
    session: AsyncSession, *, event_id: uuid.UUID, handler: str | None = None, now: datetime
) -> int:
    """Give the dead deliveries of `event_id` (or of one handler) a fresh series of attempts."""
    query = update(Delivery).where(Delivery.event_id == event_id, Delivery.status == DEAD)
    if handler is not None:
        query = query.where(Delivery.handler == handler)
    result = await session.execute(
        query.values(status=RETRY, attempts=0, next_attempt_at=now, updated_at=now)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if not count:
        target = f"event {event_id}" + (f" and handler {handler}" if handler else "")
        raise DeadDeliveryNotFound(f"no dead delivery for {target}")
    return count
