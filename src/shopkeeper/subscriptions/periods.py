"""Period arithmetic in UTC: days, weeks, calendar months and years (clamped to month ends).

A month added to Jan 31 is Feb 28 (Feb 29 in a leap year); a year added to Feb 29 is Feb 28.
Several periods bought at once are added in one step (Jan 31 + 2 months = Mar 31), but a
later purchase starts from the clamped end (Feb 28 + 1 month = Mar 28): periods do not
remember the day they were anchored on.
"""

from __future__ import annotations

import calendar
import math
from datetime import datetime, timedelta

DAY = timedelta(days=1)
UNITS = ("day", "week", "month", "year")


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus `months` calendar months, the day clamped to the target month's length."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add_period(moment: datetime, unit: str, count: int) -> datetime:
    """`moment` plus `count` units (day, week, month or year)."""
    if unit == "day":
        return moment + count * DAY
    if unit == "week":
        return moment + 7 * count * DAY
    if unit == "month":
        return add_months(moment, count)
    if unit == "year":
        return add_months(moment, 12 * count)
    raise ValueError(f"unknown period unit {unit!r}; expected one of {', '.join(UNITS)}")


def days_left(period_end: datetime, now: datetime) -> int:
    """Whole days until `period_end`, rounded up (0 once it has passed)."""
    seconds = (period_end - now).total_seconds()
    return max(0, math.ceil(seconds / DAY.total_seconds()))
