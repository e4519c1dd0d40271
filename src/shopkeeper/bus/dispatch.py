"""Run handlers: each in its own transaction with its inbox row; a failure becomes a delivery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.envelope import Envelope
from shopkeeper.bus.events import Event
from shopkeeper.bus.models import Delivery, InboxEntry
from shopkeeper.bus.ports import BusContainer
from shopkeeper.bus.registry import Subscription
from shopkeeper.db import unit_of_work
from shopkeeper.kit.context import correlation_id, set_correlation_id
from shopkeeper.settings import Settings

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
RETRY, DEAD = "retry", "dead"


def insert_for(container: BusContainer, table: Any) -> Any:
    """INSERT with the dialect's ON CONFLICT support (SQLite and PostgreSQL share the API)."""
    dialect = sqlite if container.settings.is_sqlite else postgresql
    return dialect.insert(table)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Exponential: base, 2 * base, 4 * base... after failure 1, 2, 3 (capped at 6 hours)."""
    return timedelta(seconds=min(base_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


async def _claim_inbox(
    session: AsyncSession, container: BusContainer, sub: Subscription, event_id: Any
) -> bool:
    """Insert the inbox row; False when this handler already processed the event."""
    stmt = (
        insert_for(container, InboxEntry)
        .values(event_id=event_id, handler=sub.identity, processed_at=container.clock.now())
        .on_conflict_do_nothing()
        .returning(InboxEntry.event_id)
    )
    return (await session.execute(stmt)).first() is not None


@contextmanager
def correlated(envelope: Envelope) -> Iterator[None]:
    """The publisher's correlation id while the event's handler runs (logs, new events)."""
    previous = correlation_id.get()
    set_correlation_id(envelope.correlation_id)
    try:
        yield
    finally:
        set_correlation_id(previous)


async def deliver(
    container: BusContainer,
    sub: Subscription,
    envelope: Envelope,
    event: Event | None = None,
    *,
    retrying: bool = False,
) -> bool:
    """Run `sub` for `envelope` in its own transaction; True when done (now or before)."""
    with correlated(envelope):
        try:
            async with unit_of_work(container.sessions) as session:
                if await _claim_inbox(session, container, sub, envelope.event_id):
                    await sub.run(
                        event or sub.parse(envelope.payload), session, container, envelope.event_id
                    )
                if retrying:
                    await session.execute(
                        delete(Delivery).where(
                            Delivery.event_id == envelope.event_id, Delivery.handler == sub.identity
                        )
                    )
            return True
        except Exception as exc:
            await handler_failed(container, sub, envelope, exc)
            return False


async def handler_failed(
    container: BusContainer, sub: Subscription, envelope: Envelope, exc: Exception
) -> None:
    """Log a handler's failure and count it (its transaction is already rolled back)."""
    log.warning(
        "bus.handler_failed",
        handler=sub.identity,
        event_name=envelope.name,
        event_id=str(envelope.event_id),
        exc_info=exc,
    )
    await record_failure(container, sub.identity, envelope, f"{type(exc).__name__}: {exc}")


async def record_failure(
    container: BusContainer, handler: str, envelope: Envelope, error: str
) -> str:
    """Count one failed attempt in its own transaction; returns the new status (retry | dead)."""
    now = container.clock.now()
    settings = container.settings
    values = {"last_error": error[:4000], "updated_at": now}
    stmt = insert_for(container, Delivery).values(
        event_id=envelope.event_id,
        handler=handler,
        status=RETRY,
        attempts=1,
        next_attempt_at=now,
        **values,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Delivery.event_id, Delivery.handler],
        set_={"attempts": Delivery.attempts + 1, **values},
    ).returning(Delivery.attempts)
    async with unit_of_work(container.sessions) as session:
        attempts = (await session.execute(stmt)).scalar_one()
        status = DEAD if attempts >= settings.event_max_attempts else RETRY
        await session.execute(
            update(Delivery)
            .where(Delivery.event_id == envelope.event_id, Delivery.handler == handler)
            .values(status=status, next_attempt_at=_next_attempt(now, attempts, settings))
        )
    if status == DEAD:
        log.error("bus.delivery_dead", handler=handler, event_id=str(envelope.event_id))
    return status


def _next_attempt(now: datetime, attempts: int, settings: Settings) -> datetime:
    return now + backoff(attempts, settings.event_retry_base_seconds)
