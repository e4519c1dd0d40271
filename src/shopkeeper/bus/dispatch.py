"""Run handlers: each in its own transaction with its inbox row; a failure becomes a delivery."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
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
from shopkeeper.bus.registry import Registry, Subscription
from shopkeeper.db import unit_of_work
from shopkeeper.kit.context import correlation_id, set_correlation_id

log = structlog.get_logger(__name__)

MAX_BACKOFF_SECONDS = 6 * 3600
RETRY, DEAD = "retry", "dead"


def _insert(container: BusContainer, table: Any) -> Any:
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
        _insert(container, InboxEntry)
        .values(event_id=event_id, handler=sub.identity, processed_at=container.clock.now())
        .on_conflict_do_nothing()
        .returning(InboxEntry.event_id)
    )
    return (await session.execute(stmt)).first() is not None


async def deliver(
    container: BusContainer,
    sub: Subscription,
    envelope: Envelope,
    event: Event | None = None,
    *,
    retrying: bool = False,
) -> bool:
    """Run `sub` for `envelope` once; True when done (now or earlier), False when it failed."""
    previous = correlation_id.get()
    set_correlation_id(envelope.correlation_id)
    try:
        async with unit_of_work(container.sessions) as session:
            if await _claim_inbox(session, container, sub, envelope.event_id):
                await sub.run(
                    event or sub.event_type.model_validate(envelope.payload), session, container
                )
            if retrying:
                await session.execute(
                    delete(Delivery).where(
                        Delivery.event_id == envelope.event_id, Delivery.handler == sub.identity
                    )
                )
        return True
    except Exception as exc:
        log.warning(
            "bus.handler_failed",
            handler=sub.identity,
            event_name=envelope.name,
            event_id=str(envelope.event_id),
            exc_info=exc,
        )
        await record_failure(container, sub.identity, envelope, f"{type(exc).__name__}: {exc}")
        return False
    finally:
        set_correlation_id(previous)


async def record_failure(
    container: BusContainer, handler: str, envelope: Envelope, error: str
) -> str:
    """Count one failed attempt in its own transaction; returns the new status (retry | dead)."""
    now = container.clock.now()
    settings = container.settings
    values = {"last_error": error[:4000], "updated_at": now}
    stmt = _insert(container, Delivery).values(
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


def _next_attempt(now: datetime, attempts: int, settings: Any) -> datetime:
    return now + backoff(attempts, settings.event_retry_base_seconds)


async def deliver_event(
    container: BusContainer, subs: Sequence[Subscription], envelope: Envelope
) -> int:
    """Every subscription of one event, one after another; returns how many are done."""
    if not subs:
        return 0
    try:
        event: Event | None = subs[0].event_type.model_validate(envelope.payload)
    except ValueError:
        event = None  # each handler records the invalid payload as its own failure
    done = 0
    for sub in subs:
        done += await deliver(container, sub, envelope, event)
    return done


async def deliver_all(
    container: BusContainer,
    registry: Registry,
    envelopes: Sequence[Envelope],
    *,
    context: str | None = None,
    concurrency: int = 1,
) -> int:
    """Deliver events in order per key; different keys run side by side up to `concurrency`."""
    chains: dict[str, list[Envelope]] = {}
    for envelope in envelopes:
        chains.setdefault(envelope.key, []).append(envelope)

    async def run_chain(chain: list[Envelope]) -> int:
        done = 0
        for envelope in chain:
            done += await deliver_event(
                container, registry.for_event(envelope.name, context), envelope
            )
        return done

    if concurrency <= 1 or len(chains) == 1:
        return sum([await run_chain(chain) for chain in chains.values()])
    gate = asyncio.Semaphore(concurrency)

    async def gated(chain: list[Envelope]) -> int:
        async with gate:
            return await run_chain(chain)

    async with asyncio.TaskGroup() as group:  # one failure (the database is gone) stops all
        tasks = [group.create_task(gated(chain)) for chain in chains.values()]
    return sum(task.result() for task in tasks)


def concurrency_for(container: BusContainer) -> int:
    """SQLite has one writer: parallel handlers would only queue on its lock."""
    return 1 if container.settings.is_sqlite else 8
