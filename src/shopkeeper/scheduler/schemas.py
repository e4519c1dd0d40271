"""What the scheduler tells the outside about a job."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class JobRead(BaseModel):
    """A registered task and, once a worker has seen it, its row in scheduler_job."""

    model_config = ConfigDict(frozen=True)

    name: str
    schedule: str
    next_run_at: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    run_count: int = 0
    claimed_by: str | None = None
    claimed_until: datetime | None = None
