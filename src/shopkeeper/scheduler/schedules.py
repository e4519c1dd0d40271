"""When a job runs: a fixed interval or a cron expression, both computed in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from croniter import croniter

MAX_SCHEDULE_TEXT = 100  # scheduler_job.schedule is VARCHAR(100)


class Schedule(Protocol):
    def first_run(self, now: datetime) -> datetime:
        """When a job first seen at `now` is first due."""
        ...

    def next_run(self, *, due: datetime, now: datetime) -> datetime:
        """The next due time strictly after `now`, for a job that was due at `due`."""
        ...

    def describe(self) -> str:
        """A short text stored with the job; a change of it reschedules the job."""
        ...


@dataclass(frozen=True)
class Interval:
    """Every `every`, on a grid anchored at the first run: missed runs are skipped, not queued."""

    every: timedelta

    def __post_init__(self) -> None:
        if self.every < timedelta(seconds=1):
            raise ValueError(f"interval must be at least one second, got {self.every}")

    def first_run(self, now: datetime) -> datetime:
        return now.astimezone(UTC)

    def next_run(self, *, due: datetime, now: datetime) -> datetime:
        due, now = due.astimezone(UTC), now.astimezone(UTC)
        steps = (now - due) // self.every + 1
        return due + self.every * max(steps, 0)

    def describe(self) -> str:
        return f"every {_format_delta(self.every)}"


@dataclass(frozen=True)
class Cron:
    """A cron expression (5 fields, or 6 with seconds last), always read in UTC."""

    expression: str

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.expression):
            raise ValueError(f"invalid cron expression {self.expression!r}")
        if len(self.describe()) > MAX_SCHEDULE_TEXT:
            raise ValueError(f"cron expression longer than {MAX_SCHEDULE_TEXT - 5} characters")

    def first_run(self, now: datetime) -> datetime:
        return self._after(now)

    def next_run(self, *, due: datetime, now: datetime) -> datetime:
        return self._after(now)

    def describe(self) -> str:
        return f"cron {self.expression}"

    def _after(self, moment: datetime) -> datetime:
        result: datetime = croniter(self.expression, moment.astimezone(UTC)).get_next(datetime)
        return result.astimezone(UTC)


def _format_delta(delta: timedelta) -> str:
    """`every 1h30m`, `every 45s`, `every 2d`: whole units, largest first."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    micro = delta.microseconds
    return "".join(parts) + (f"{micro}us" if micro else "")
