"""Scheduled jobs: one row per job; a worker runs a due job only if it wins the claim."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime


class ScheduledJob(Base):
    __tablename__ = "scheduler_job"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    schedule: Mapped[str] = mapped_column(String(100))
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_count: Mapped[int] = mapped_column(default=0)
