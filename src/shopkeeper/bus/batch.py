"""Delivering a batch of events fast without giving up per-handler isolation.

A group of deliveries is tried in ONE transaction with one multi-row inbox insert (optimistic
group commit: the bus then costs three statements per group instead of three per handler,
which is what makes 2,000+ events/s possible on SQLite). If a handler raises, the group is
rolled back, that handler's failure is counted (retry with backoff, dead after N) exactly as if
it had run alone, and the others are tried again without it; after a few failures, or when the
database itself fails, each remaining delivery runs in its own transaction
(`dispatch.deliver`). So a failure never undoes or blocks another handler's work, and a
handler's effects always commit together with its inbox row, once.

Order: events of one key are delivered in outbox order; different keys may run side by side
(`concurrency` lanes, each a sequence of groups).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.dispatch import correlated, deliver, handler_failed, insert_for
from shopkeeper.bus.envelope import Envelope
from shopkeeper.bus.events import Event
from shopkeeper.bus.models import InboxEntry
from shopkeeper.bus.ports import BusContainer
from shopkeeper.bus.registry import Registry, Subscription
from shopkeeper.db import unit_of_work

log = structlog.get_logger(__name__)

# Deliveries per group transaction: big enough to amortise, small enough to hold locks briefly.
GROUP_SIZE = 50
# After this many handler failures in one group, the rest run one transaction each.
MAX_GROUP_FAILURES = 3


@dataclass(frozen=True, slots=True)
class Job:
    sub: Subscription
    envelope: Envelope
    event: Event | None  # None when the payload does not validate: the handler run fails


def concurrency_for(container: BusContainer) -> int:
    """SQLite has one writer: parallel lanes would only queue on its lock."""
    return 1 if container.settings.is_sqlite else 4


def jobs_for(registry: Registry, envelopes: Sequence[Envelope], context: str | None) -> list[Job]:
    """Each (event, subscribed handler) pair in order; the payload is validated once per event."""
    jobs: list[Job] = []
    for envelope in envelopes:
        subs = registry.for_event(envelope.name, context)
        if not subs:
            continue
        try:
            event: Event | None = subs[0].parse(envelope.payload)
        except ValueError:
            event = None
        jobs.extend(Job(sub, envelope, event) for sub in subs)
    return jobs


async def _claim_inbox(
    session: AsyncSession, container: BusContainer, jobs: list[Job]
) -> set[tuple[object, str]]:
    """Insert the group's inbox rows; returns the (event_id, handler) pairs that were new."""
    now = container.clock.now()
    rows = [
        {"event_id": j.envelope.event_id, "handler": j.sub.identity, "processed_at": now}
        for j in jobs
    ]
    stmt = (
        insert_for(container, InboxEntry)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(InboxEntry.event_id, InboxEntry.handler)
    )
    return {(row.event_id, row.handler) for row in await session.execute(stmt)}


async def _try_group(
    container: BusContainer, jobs: list[Job]
) -> tuple[Job | None, Exception | None]:
    """One transaction for all jobs: (None, None) when committed, else who failed and why."""
    running: Job | None = None
    try:
        async with unit_of_work(container.sessions) as session:
            fresh = await _claim_inbox(session, container, jobs)
            for job in jobs:
                if (job.envelope.event_id, job.sub.identity) not in fresh:
                    continue  # processed before: a redelivery
                running = job
                with correlated(job.envelope):
                    await job.sub.run(
                        job.event or job.sub.parse(job.envelope.payload),
                        session,
                        container,
                        job.envelope.event_id,
                    )
                running = None
    except Exception as exc:
        return running, exc
    return None, None


async def deliver_group(container: BusContainer, jobs: list[Job]) -> int:
    """The jobs in one transaction; a failing handler is counted and the rest tried again.

    When the failure is not a handler's (the inbox insert or the commit), or handlers keep
    failing, every remaining job runs in its own transaction. Returns how many are done.
    """
    pending = list(jobs)
    failures = 0
    while len(pending) > 1 and failures < MAX_GROUP_FAILURES:
        failed, error = await _try_group(container, pending)
        if error is None:
            return len(pending)
        if failed is None:
            break
        await handler_failed(container, failed.sub, failed.envelope, error)
        pending = [job for job in pending if job is not failed]
        failures += 1
    done = 0
    for job in pending:
        done += await deliver(container, job.sub, job.envelope, job.event)
    return done


async def _run_lane(
    container: BusContainer, jobs: list[Job], connections: asyncio.Semaphore | None
) -> int:
    done = 0
    for start in range(0, len(jobs), GROUP_SIZE):
        group = jobs[start : start + GROUP_SIZE]
        if connections is None:
            done += await deliver_group(container, group)
            continue
        async with connections:  # a group holds one database connection at a time
            done += await deliver_group(container, group)
    return done


async def deliver_all(
    container: BusContainer,
    registry: Registry,
    envelopes: Sequence[Envelope],
    *,
    context: str | None = None,
    concurrency: int = 1,
    connections: asyncio.Semaphore | None = None,
) -> int:
    """Deliver a batch (to one consuming context's handlers, or all); returns deliveries done.

    `connections`, shared by the batches a process runs at once, bounds the database
    connections they hold together (each running group transaction holds one).
    """
    jobs = jobs_for(registry, envelopes, context)
    if concurrency <= 1:
        return await _run_lane(container, jobs, connections)
    lanes: list[list[Job]] = [[] for _ in range(concurrency)]
    for job in jobs:  # a key always maps to the same lane: its events stay in order
        lanes[zlib.crc32(job.envelope.key.encode()) % concurrency].append(job)
    async with asyncio.TaskGroup() as group:  # one failure (the database is gone) stops all
        tasks = [
            group.create_task(_run_lane(container, lane, connections)) for lane in lanes if lane
        ]
    return sum(task.result() for task in tasks)
