"""Running jobs: due times, one run per due job across runners, failures, leases, run now."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.kit.clock import Clock, FrozenClock
from shopkeeper.scheduler import (
    JobBusy,
    JobNotFound,
    JobRead,
    Task,
    list_jobs,
    run_due_jobs,
    run_job,
)
from shopkeeper.settings import Settings
from tests.scheduler.helpers import JobRan, committed_runs

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def counting_task(
    name: str,
    calls: list[str],
    *,
    every: timedelta | None = None,
    cron: str | None = None,
    pause: float = 0.0,
) -> Task:
    """A job that records its call and publishes JobRan in its transaction."""

    async def run(session: AsyncSession, now: datetime) -> None:
        calls.append(name)
        await asyncio.sleep(pause)  # while it runs, the other runner tries to claim it
        bus.publish(session, JobRan(job=name), now=now)

    return Task(name, run, every=every, cron=cron)


async def job_state(container: Container, task: Task) -> JobRead:
    return (await list_jobs(container, [task]))[0]


async def test_interval_job_runs_when_due_then_once_per_interval(
    runner: Container, clock: FrozenClock
) -> None:
    calls: list[str] = []
    task = counting_task("test.count", calls, every=timedelta(minutes=5))

    assert await run_due_jobs(runner, [task]) == ["test.count"]
    assert await run_due_jobs(runner, [task]) == []
    clock.advance(minutes=4)
    assert await run_due_jobs(runner, [task]) == []
    clock.advance(minutes=1)
    assert await run_due_jobs(runner, [task]) == ["test.count"]

    job = await job_state(runner, task)
    assert (job.run_count, job.last_status, job.last_error) == (2, "ok", None)
    assert job.next_run_at == T0 + timedelta(minutes=10)
    assert job.schedule == "every 5m"
    assert job.claimed_by is None
    assert await committed_runs(runner, "test.count") == 2


async def test_cron_job_waits_for_its_time_in_utc(runner: Container, clock: FrozenClock) -> None:
    calls: list[str] = []
    task = counting_task("test.hourly", calls, cron="0 * * * *")

    assert await run_due_jobs(runner, [task]) == []
    assert (await job_state(runner, task)).next_run_at == T0 + timedelta(hours=1)
    clock.advance(minutes=59, seconds=59)
    assert await run_due_jobs(runner, [task]) == []
    clock.advance(seconds=1)
    assert await run_due_jobs(runner, [task]) == ["test.hourly"]
    assert (await job_state(runner, task)).next_run_at == T0 + timedelta(hours=2)
    assert calls == ["test.hourly"]


async def test_two_runners_run_each_due_job_exactly_once(
    runner: Container, other_runner: Container, clock: FrozenClock
) -> None:
    calls: list[str] = []
    tasks = [
        counting_task(f"test.job{i}", calls, every=timedelta(minutes=1), pause=0.02)
        for i in range(6)
    ]
    names = sorted(t.name for t in tasks)

    for _round in range(3):
        mine, theirs = await asyncio.gather(
            run_due_jobs(runner, tasks), run_due_jobs(other_runner, tasks)
        )
        assert sorted(mine + theirs) == names
        clock.advance(minutes=1)

    assert sorted(calls) == sorted(names * 3)
    for task in tasks:
        assert (await job_state(runner, task)).run_count == 3
        assert await committed_runs(runner, task.name) == 3


async def test_failing_job_records_the_error_and_runs_again_next_time(
    runner: Container, clock: FrozenClock
) -> None:
    calls: list[datetime] = []

    async def flaky(session: AsyncSession, now: datetime) -> None:
        calls.append(now)
        bus.publish(session, JobRan(job="test.flaky"), now=now)
        if len(calls) == 1:
            raise RuntimeError("boom")

    task = Task("test.flaky", flaky, every=timedelta(minutes=5))

    assert await run_due_jobs(runner, [task]) == ["test.flaky"]
    job = await job_state(runner, task)
    assert (job.last_status, job.last_error, job.run_count) == ("failed", "RuntimeError: boom", 1)
    assert job.next_run_at == T0 + timedelta(minutes=5)
    assert job.claimed_by is None
    assert await committed_runs(runner, "test.flaky") == 0  # its transaction rolled back

    assert await run_due_jobs(runner, [task]) == []
    clock.advance(minutes=5)
    assert await run_due_jobs(runner, [task]) == ["test.flaky"]
    job = await job_state(runner, task)
    assert (job.last_status, job.last_error, job.run_count) == ("ok", None, 2)
    assert await committed_runs(runner, "test.flaky") == 1


async def test_claim_of_a_crashed_runner_expires_after_its_lease(
    runner: Container, other_runner: Container, clock: FrozenClock
) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def hangs() -> None:
        started.set()
        await release.wait()

    task = Task("test.hangs", hangs, every=timedelta(hours=1), lease=timedelta(minutes=5))
    crashed = asyncio.create_task(run_due_jobs(runner, [task]))
    await started.wait()
    crashed.cancel()  # the worker dies in the middle of the job
    with suppress(asyncio.CancelledError):
        await crashed
    release.set()

    job = await job_state(other_runner, task)
    assert job.claimed_until == T0 + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    assert await run_due_jobs(other_runner, [task]) == []
    clock.advance(seconds=2)
    assert await run_due_jobs(other_runner, [task]) == ["test.hangs"]
    job = await job_state(other_runner, task)
    assert (job.run_count, job.last_status, job.claimed_by) == (1, "ok", None)
    assert job.next_run_at == T0 + timedelta(hours=1)


async def test_run_that_outlives_its_lease_is_rolled_back(
    runner: Container, other_runner: Container, clock: FrozenClock
) -> None:
    entered, gate = asyncio.Event(), asyncio.Event()
    calls: list[datetime] = []

    async def slow(session: AsyncSession, now: datetime) -> None:
        calls.append(now)
        bus.publish(session, JobRan(job="test.slow"), now=now)
        if len(calls) == 1:
            entered.set()
            await gate.wait()

    task = Task("test.slow", slow, every=timedelta(hours=1), lease=timedelta(minutes=5))
    first = asyncio.create_task(run_due_jobs(runner, [task]))
    await entered.wait()
    clock.advance(minutes=6)  # the lease ran out: another runner takes the job over
    assert await run_due_jobs(other_runner, [task]) == ["test.slow"]
    gate.set()
    await first

    assert len(calls) == 2
    assert (await job_state(runner, task)).run_count == 1
    assert await committed_runs(runner, "test.slow") == 1


async def test_run_job_runs_now_and_keeps_the_schedule(
    runner: Container, other_runner: Container
) -> None:
    calls: list[str] = []
    task = counting_task("test.hourly", calls, cron="0 * * * *")

    job = await run_job(runner, "test.hourly", [task])
    assert (job.run_count, job.last_status) == (1, "ok")
    assert job.next_run_at == T0 + timedelta(hours=1)
    assert calls == ["test.hourly"]
    with pytest.raises(JobNotFound):
        await run_job(runner, "test.missing", [task])


async def test_run_job_refuses_a_job_running_elsewhere(
    runner: Container, other_runner: Container
) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def hangs() -> None:
        started.set()
        await release.wait()

    task = Task("test.hangs", hangs, every=timedelta(hours=1))
    running = asyncio.create_task(run_due_jobs(runner, [task]))
    await started.wait()
    with pytest.raises(JobBusy):
        await run_job(other_runner, "test.hangs", [task])
    release.set()
    assert await running == ["test.hangs"]


async def test_task_asks_for_what_it_needs_and_publishes_with_a_correlation_id(
    runner: Container,
) -> None:
    seen: dict[str, object] = {}

    async def curious(
        clock: Clock, settings: Settings, container: Container, session: AsyncSession
    ) -> None:
        seen.update(clock=clock, settings=settings, container=container)
        bus.publish(session, JobRan(job="test.curious"), now=clock.now())

    task = Task("test.curious", curious, every=timedelta(hours=1))
    assert await run_due_jobs(runner, [task]) == ["test.curious"]
    assert seen == {"clock": runner.clock, "settings": runner.settings, "container": runner}
    async with runner.sessions() as session:
        ids = (await session.execute(text("SELECT correlation_id FROM bus_outbox"))).scalars()
        (correlation,) = list(ids)
    assert correlation is not None and len(correlation) == 32


async def test_changed_schedule_reschedules_the_job(runner: Container) -> None:
    calls: list[str] = []
    hourly = counting_task("test.report", calls, cron="0 * * * *")
    daily = counting_task("test.report", calls, cron="0 6 * * *")

    await run_due_jobs(runner, [hourly])
    assert (await job_state(runner, hourly)).next_run_at == T0 + timedelta(hours=1)
    await run_due_jobs(runner, [daily])
    job = await job_state(runner, daily)
    assert (job.schedule, job.next_run_at) == ("cron 0 6 * * *", T0 + timedelta(hours=18))
