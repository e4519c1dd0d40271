"""Time comes from a Clock so tests can move it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime | None = None) -> None:
        self._now = at or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def as_utc(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; everything we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def window_start(now: datetime, zone: ZoneInfo, days: int) -> datetime:
    """The start of the last `days` calendar days in `zone`, today included (days ≥ 1)."""
    first = now.astimezone(zone).date() - timedelta(days=days - 1)
    return datetime.combine(first, time(), tzinfo=zone)


def count_per_day(
    moments: Iterable[datetime], zone: ZoneInfo, first: date, days: int
) -> list[tuple[date, int]]:
    """How many moments fall on each of `days` calendar days in `zone` from `first` on."""
    counts = Counter(moment.astimezone(zone).date() for moment in moments)
    every_day = (first + timedelta(days=offset) for offset in range(days))
    return [(day, counts.get(day, 0)) for day in every_day]
