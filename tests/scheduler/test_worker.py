"""Two real `shopkeeper worker` processes on one database: each due job runs exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.conftest import TEST_FERNET_KEY
from tests.scheduler.sample_tasks import JOB_LOG_ENV

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60


@pytest.fixture
def job_log(tmp_path: Path) -> Path:
    path = tmp_path / "jobs.log"
    path.touch()
    return path


@pytest.fixture
def workers(database_url: str, job_log: Path, tmp_path: Path) -> Iterator[list[Path]]:
    """Start two workers; yield the files their stderr goes to; stop them at the end."""
    env = {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": database_url,
        "SHOPKEEPER_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
        "SHOPKEEPER_EXTRA_TASK_MODULES": "tests.scheduler.sample_tasks",
        "SHOPKEEPER_LOG_JSON": "true",
        "SHOPKEEPER_BROKER_URL": "memory://",
        JOB_LOG_ENV: str(job_log),
    }
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    processes = []
    for log in logs:
        with log.open("wb") as stderr:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "shopkeeper", "worker"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            )
    try:
        yield logs
    finally:
        for process in processes:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _wait_for(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _run_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT name, run_count FROM scheduler_job"))
        return {name: count for name, count in rows}


async def _set_next_run(engine: AsyncEngine, name: str, at: datetime) -> None:
    value = at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE scheduler_job SET next_run_at = :at WHERE name = :name"),
            {"at": value, "name": name},
        )


async def test_two_worker_processes_run_each_due_job_once(
    database_url: str, workers: list[Path], job_log: Path
) -> None:
    engine = create_async_engine(database_url)
    try:

        async def both_started() -> bool:
            return all(b'"scheduler.started"' in log.read_bytes() for log in workers)

        async def jobs_known() -> bool:
            return {"sample.tick", "sample.yearly"} <= set(await _run_counts(engine))

        await _wait_for(both_started, "both workers to start their scheduler")
        await _wait_for(jobs_known, "the job rows")
        # Both workers are polling now: make the yearly job due, and let ticks pile up.
        await _set_next_run(engine, "sample.yearly", datetime.now(UTC) - timedelta(seconds=1))

        async def enough_runs() -> bool:
            counts = await _run_counts(engine)
            return counts["sample.yearly"] >= 1 and counts["sample.tick"] >= 4

        await _wait_for(enough_runs, "the jobs to run")
        # Quiesce: no job is due any more, so none is in flight when we compare.
        await _set_next_run(engine, "sample.tick", datetime.now(UTC) + timedelta(days=1))
        await asyncio.sleep(1.5)
        counts = await _run_counts(engine)
    finally:
        await engine.dispose()

    runs = Counter(line.split()[0] for line in job_log.read_text().splitlines())
    assert runs["sample.yearly"] == 1 == counts["sample.yearly"]
    assert runs["sample.tick"] == counts["sample.tick"] >= 4
    for log in workers:
        assert b"scheduler.tick_failed" not in log.read_bytes()
