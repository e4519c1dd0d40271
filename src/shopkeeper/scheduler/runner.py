"""Running jobs: claim a due job in the database, run it in its own transaction, record it."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import structlog
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import Clock
from shopkeeper.kit.context import correlation_id, set_correlation_id
from shopkeeper.kit.ids import new_id
from shopkeeper.scheduler import repository
from shopkeeper.scheduler.errors import JobBusy, JobNotFound
from shopkeeper.scheduler.schemas import JobRead
from shopkeeper.scheduler.tasks import Task, load_tasks
from shopkeeper.settings import Settings

log = structlog.get_logger("shopkeeper.scheduler")

POLL_SECONDS = 1.0  # longest sleep between ticks: bounds how late an expired lease is noticed
MIN_SLEEP_SECONDS = 0.05

JOB_RUNS = Counter("scheduler_job_runs_total", "Scheduled job runs", ["job", "status"])


class Runtime(Protocol):
    """What the scheduler needs of the composition root (the Container satisfies it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def task_modules(self) -> list[str]: ...


class _ClaimLost(Exception):
    """Our lease expired and another worker claimed the job: undo this run."""


def registered_tasks(container: Runtime) -> list[Task]:
    """Every task of bootstrap.TASK_MODULES and SHOPKEEPER_EXTRA_TASK_MODULES."""
    modules = [*container.task_modules, *container.settings.extra_task_modules]
    return load_tasks(dict.fromkeys(modules))


async def run_due_jobs(
    container: Runtime, tasks: Sequence[Task] | None = None, now: datetime | None = None
) -> list[str]:
    """Run each due job this process wins the claim for; returns their names (ok or failed)."""
    tasks = registered_tasks(container) if tasks is None else list(tasks)
    by_name = {task.name: task for task in tasks}
    at = now or container.clock.now()
    async with unit_of_work(container.sessions) as session:
        await repository.sync_jobs(session, tasks, at)
        due = await repository.due_jobs(session, list(by_name), at)
    ran = []
    for name in due:
        job_now = now or container.clock.now()
        if await _claim_and_run(container, by_name[name], now=job_now, force=False):
            ran.append(name)
    return ran


async def run_job(
    container: Runtime, name: str, tasks: Sequence[Task] | None = None, now: datetime | None = None
) -> JobRead:
    """Run one job now, due or not (`shopkeeper jobs run NAME`); its schedule is kept."""
    tasks = registered_tasks(container) if tasks is None else list(tasks)
    task = next((t for t in tasks if t.name == name), None)
    if task is None:
        raise JobNotFound(f"no scheduled job named {name!r}")
    at = now or container.clock.now()
    async with unit_of_work(container.sessions) as session:
        await repository.sync_jobs(session, [task], at)
    if not await _claim_and_run(container, task, now=at, force=True):
        raise JobBusy(f"job {name} is running on another worker; try again when it finishes")
    return (await list_jobs(container, [task]))[0]


async def list_jobs(container: Runtime, tasks: Sequence[Task] | None = None) -> list[JobRead]:
    """Registered jobs with their schedule state (no row yet: never seen by a worker)."""
    tasks = registered_tasks(container) if tasks is None else list(tasks)
    async with container.sessions() as session:
        rows = {job.name: job for job in await repository.list_jobs(session)}
    result = []
    for task in sorted(tasks, key=lambda t: t.name):
        row = rows.get(task.name)
        stored = JobRead.model_validate(row, from_attributes=True) if row else None
        result.append(
            stored.model_copy(update={"schedule": task.schedule.describe()})
            if stored
            else JobRead(name=task.name, schedule=task.schedule.describe())
        )
    return result


async def scheduler_loop(container: Runtime) -> None:
    """The worker's scheduler: run due jobs, sleep until the next is due (at most a second)."""
    try:
        tasks = registered_tasks(container)
    except Exception:
        log.exception("scheduler.bad_task_table")  # a broken TASKS table stops the scheduler
        raise
    if not tasks:
        log.info("scheduler.idle", reason="no tasks registered")
        return
    names = [task.name for task in tasks]
    log.info("scheduler.started", jobs=names)
    while True:
        delay = POLL_SECONDS
        try:
            await run_due_jobs(container, tasks)
            delay = await _seconds_to_next(container, names)
        except Exception:
            log.exception("scheduler.tick_failed")
        await asyncio.sleep(delay)


async def _seconds_to_next(container: Runtime, names: list[str]) -> float:
    async with unit_of_work(container.sessions) as session:
        wakeup = await repository.next_wakeup(session, names)
    if wakeup is None:
        return POLL_SECONDS
    seconds = (wakeup - container.clock.now()).total_seconds()
    return min(max(seconds, MIN_SLEEP_SECONDS), POLL_SECONDS)


async def _claim_and_run(container: Runtime, task: Task, *, now: datetime, force: bool) -> bool:
    """Claim, then run; False when another worker holds (or just took) the job."""
    token = _claim_token()
    async with unit_of_work(container.sessions) as session:
        due = await repository.claim(
            session, task.name, token=token, now=now, until=now + task.lease, force=force
        )
    if due is None:
        return False
    previous = correlation_id.get()
    set_correlation_id(new_id().hex)
    try:
        with structlog.contextvars.bound_contextvars(job=task.name):
            await _execute(container, task, token=token, now=now, due=due)
    finally:
        set_correlation_id(previous)
    return True


async def _execute(
    container: Runtime, task: Task, *, token: str, now: datetime, due: datetime
) -> None:
    """The job and the record of its success commit together; a failure is recorded apart."""
    next_run_at = task.schedule.next_run(due=due, now=now)
    started = time.perf_counter()
    try:
        async with unit_of_work(container.sessions) as session:
            await task.invoke(session=session, now=now, container=container)
            if not await repository.record_run(
                session,
                task.name,
                token=token,
                finished_at=_finished(container, now),
                next_run_at=next_run_at,
                error=None,
            ):
                raise _ClaimLost(task.name)
    except _ClaimLost:
        JOB_RUNS.labels(task.name, "lost").inc()
        log.warning("scheduler.claim_lost", detail="lease expired while running; rolled back")
        return
    except Exception as exc:
        JOB_RUNS.labels(task.name, "failed").inc()
        log.exception("scheduler.job_failed", next_run_at=next_run_at.isoformat())
        async with unit_of_work(container.sessions) as session:
            await repository.record_run(
                session,
                task.name,
                token=token,
                finished_at=_finished(container, now),
                next_run_at=next_run_at,
                error=f"{type(exc).__name__}: {exc}",
            )
        return
    JOB_RUNS.labels(task.name, "ok").inc()
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    # Every run is counted (scheduler_job_runs_total) and recorded in the jobs table; a log
    # line per successful run of a 5-second job would only bury the ones that matter.
    log.debug("scheduler.job_done", duration_ms=duration_ms, next_run_at=next_run_at.isoformat())


def _finished(container: Runtime, started: datetime) -> datetime:
    return max(started, container.clock.now())


def _claim_token() -> str:
    """Unique per claim (host, process, random): two runners in one process never share one."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(6)}"
