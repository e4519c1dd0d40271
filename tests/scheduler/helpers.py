"""Helpers for the scheduler tests: an event that proves a job's transaction committed."""

from __future__ import annotations

import json

from sqlalchemy import text

from shopkeeper import bus
from shopkeeper.bootstrap import Container


class JobRan(bus.Event):
    """Published by test jobs: a row in the outbox proves the job's transaction committed."""

    name = "schedtest.job_ran.v1"
    job: str


async def committed_runs(container: Container, job: str) -> int:
    """How many JobRan events of `job` were committed."""
    async with container.sessions() as session:
        rows = await session.execute(
            text("SELECT payload FROM bus_outbox WHERE name = :name"), {"name": JobRan.name}
        )
        payloads = [p if isinstance(p, dict) else json.loads(p) for (p,) in rows]
    return sum(1 for p in payloads if p["job"] == job)
