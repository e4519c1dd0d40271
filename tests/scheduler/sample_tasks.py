"""Tasks for the scheduler tests, loaded by workers through SHOPKEEPER_EXTRA_TASK_MODULES.

Each run appends `<task> <pid>` to the file named by SHOPKEEPER_TEST_JOB_LOG, so a test can
count runs across processes and compare them with the database's run_count.
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path

from shopkeeper.scheduler import Task

JOB_LOG_ENV = "SHOPKEEPER_TEST_JOB_LOG"


async def _record(name: str) -> None:
    """Append the run, then stay busy a moment so the other worker tries this job meanwhile."""
    path = Path(os.environ[JOB_LOG_ENV])
    with path.open("a", encoding="utf-8") as log:
        log.write(f"{name} {os.getpid()}\n")
    await asyncio.sleep(0.3)


async def tick() -> None:
    await _record("sample.tick")


async def yearly() -> None:
    await _record("sample.yearly")


TASKS = [
    Task("sample.tick", tick, every=timedelta(seconds=1)),
    # Never due on its own during a test: the test makes it due once both workers are up.
    Task("sample.yearly", yearly, cron="0 0 1 1 *"),
]
