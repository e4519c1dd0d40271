"""Period arithmetic: calendar months clamped to the month's end, days, weeks, years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.subscriptions import add_months, add_period, days_left


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2026, 1, 31), 1, at(2026, 2, 28)),  # clamped to February's last day
        (at(2028, 1, 31), 1, at(2028, 2, 29)),  # a leap year
        (at(2026, 1, 31), 2, at(2026, 3, 31)),  # two at once: anchored on the 31st
        (at(2026, 3, 31), 1, at(2026, 4, 30)),
        (at(2026, 12, 15), 1, at(2027, 1, 15)),  # across the year
        (at(2026, 11, 30), 3, at(2027, 2, 28)),
        (at(2026, 1, 15), 0, at(2026, 1, 15)),
        (at(2026, 3, 31), -1, at(2026, 2, 28)),
    ],
)
def test_calendar_months(start: datetime, months: int, expected: datetime) -> None:
    assert add_months(start, months) == expected


def test_units() -> None:
    start = at(2026, 1, 31)
    assert add_period(start, "day", 3) == at(2026, 2, 3)
    assert add_period(start, "week", 2) == at(2026, 2, 14)
    assert add_period(start, "month", 1) == at(2026, 2, 28)
    assert add_period(at(2028, 2, 29), "year", 1) == at(2029, 2, 28)  # no Feb 29 in 2029
    assert add_period(at(2028, 2, 29), "year", 4) == at(2032, 2, 29)
    assert add_period(start, "month", 12) == add_period(start, "year", 1)
    with pytest.raises(ValueError, match="unknown period unit"):
        add_period(start, "fortnight", 1)


def test_time_of_day_and_zone_are_kept() -> None:
    start = datetime(2026, 1, 31, 23, 59, 30, tzinfo=UTC)
    assert add_months(start, 1) == datetime(2026, 2, 28, 23, 59, 30, tzinfo=UTC)


def test_days_left_rounds_up_and_stops_at_zero() -> None:
    now = at(2026, 1, 1)
    assert days_left(now + timedelta(days=3), now) == 3
    assert days_left(now + timedelta(days=2, seconds=1), now) == 3
    assert days_left(now + timedelta(hours=1), now) == 1
    assert days_left(now, now) == 0
    assert days_left(now - timedelta(days=5), now) == 0


@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    months=st.integers(min_value=0, max_value=240),
)
def test_a_month_later_is_in_the_right_month_never_past_its_end(
    start: datetime, months: int
) -> None:
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day <= start.day and (later.day == start.day or later.day >= 28)
    assert later.time() == start.time() and later >= start
