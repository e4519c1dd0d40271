"""All SQL of the scheduler: job rows, the atomic claim, and recording a run's outcome."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.scheduler.models import ScheduledJob
from shopkeeper.scheduler.tasks import Task

ERROR_LIMIT = 4000  # characters of a failure kept in last_error


async def sync_jobs(session: AsyncSession, tasks: Sequence[Task], now: datetime) -> None:
    """Make sure each task has a row; a task whose schedule changed is rescheduled from `now`."""
    if not tasks:
        return
    rows = await session.execute(
        select(ScheduledJob.name, ScheduledJob.schedule).where(
            ScheduledJob.name.in_([t.name for t in tasks])
        )
    )
    stored = {name: schedule for name, schedule in rows}
    missing = [t for t in tasks if t.name not in stored]
    if missing:
        await _insert_missing(session, missing, now)
    for task in tasks:
        described = task.schedule.describe()
        if task.name in stored and stored[task.name] != described:
            await session.execute(
                update(ScheduledJob)
                .where(ScheduledJob.name == task.name)
                .values(schedule=described, next_run_at=task.schedule.first_run(now))
            )


async def _insert_missing(session: AsyncSession, tasks: Iterable[Task], now: datetime) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: another worker may insert the same rows at once."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [
        {
            "name": t.name,
            "schedule": t.schedule.describe(),
            "next_run_at": t.schedule.first_run(now),
            "run_count": 0,
        }
        for t in tasks
    ]
    await session.execute(insert(ScheduledJob).values(values).on_conflict_do_nothing())


async def due_jobs(session: AsyncSession, names: Sequence[str], now: datetime) -> list[str]:
    """Names among `names` that are due and not held by a live claim, soonest first."""
    rows = await session.execute(
        select(ScheduledJob.name)
        .where(ScheduledJob.name.in_(names), ScheduledJob.next_run_at <= now, _unclaimed(now))
        .order_by(ScheduledJob.next_run_at, ScheduledJob.name)
    )
    return list(rows.scalars().all())


async def next_wakeup(session: AsyncSession, names: Sequence[str]) -> datetime | None:
    """The earliest moment one of `names` may become runnable (due, or its lease expiring)."""
    rows = await session.execute(
        select(ScheduledJob.next_run_at, ScheduledJob.claimed_until).where(
            ScheduledJob.name.in_(names)
        )
    )
    moments = [max(due, until) if until else due for due, until in rows]
    return min(moments, default=None)


async def claim(
    session: AsyncSession, name: str, *, token: str, now: datetime, until: datetime, force: bool
) -> datetime | None:
    """Take the job for this run: its due time for the one caller whose UPDATE matched, else None.

    The WHERE clause re-checks due-ness and the lease inside the UPDATE itself, so of several
    workers racing for the same job exactly one sees rowcount 1 (PostgreSQL re-evaluates it
    after the row lock; SQLite serialises writers). `force` skips the due check (run now).
    """
    conditions = [ScheduledJob.name == name, _unclaimed(now)]
    if not force:
        conditions.append(ScheduledJob.next_run_at <= now)
    result = await session.execute(
        update(ScheduledJob)
        .where(*conditions)
        .values(claimed_by=token, claimed_until=until, last_started_at=now)
        .returning(ScheduledJob.next_run_at)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


async def record_run(
    session: AsyncSession,
    name: str,
    *,
    token: str,
    finished_at: datetime,
    next_run_at: datetime,
    error: str | None,
) -> bool:
    """Release the claim and record the outcome; False when the claim was lost meanwhile."""
    result = await session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name, ScheduledJob.claimed_by == token)
        .values(
            claimed_by=None,
            claimed_until=None,
            last_finished_at=finished_at,
            last_status="failed" if error else "ok",
            last_error=error[:ERROR_LIMIT] if error else None,
            run_count=ScheduledJob.run_count + 1,
            next_run_at=next_run_at,
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def get_job(session: AsyncSession, name: str) -> ScheduledJob | None:
    return await session.get(ScheduledJob, name)


async def list_jobs(session: AsyncSession) -> list[ScheduledJob]:
    rows = await session.execute(select(ScheduledJob).order_by(ScheduledJob.name))
    return list(rows.scalars().all())


def _unclaimed(now: datetime) -> ColumnElement[bool]:
    return or_(ScheduledJob.claimed_until.is_(None), ScheduledJob.claimed_until < now)


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount
