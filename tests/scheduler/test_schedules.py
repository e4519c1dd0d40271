"""Interval and cron schedules: next runs in UTC, on the grid, never in the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.scheduler import Cron, Interval, Task, TaskDefinitionError, load_tasks

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))
intervals = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=2))
zones = st.sampled_from([UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-7))])


@given(due=moments, late=offsets, every=intervals)
def test_interval_next_run_is_the_first_grid_point_after_now(
    due: datetime, late: timedelta, every: timedelta
) -> None:
    now = due + late
    result = Interval(every).next_run(due=due, now=now)
    assert result > now
    assert result - every <= now
    assert (result - due) % every == timedelta(0)


@given(due=moments, early=offsets, every=intervals)
def test_interval_run_before_due_keeps_the_due_time(
    due: datetime, early: timedelta, every: timedelta
) -> None:
    now = due - early - timedelta(microseconds=1)
    assert Interval(every).next_run(due=due, now=now) == due


def test_interval_first_run_is_now_and_skips_missed_runs() -> None:
    schedule = Interval(timedelta(minutes=5))
    due = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert schedule.first_run(due) == due
    # A worker that was down for 23 minutes runs once, then goes back on the 5-minute grid.
    assert schedule.next_run(due=due, now=due + timedelta(minutes=23)) == due + timedelta(
        minutes=25
    )


@given(now=moments, zone=zones)
def test_cron_every_quarter_hour(now: datetime, zone: timezone) -> None:
    result = Cron("*/15 * * * *").next_run(due=now, now=now.astimezone(zone))
    assert result.tzinfo == UTC
    assert result > now
    assert result - now <= timedelta(minutes=15)
    assert result.minute % 15 == 0 and result.second == 0 and result.microsecond == 0


@given(now=moments, zone=zones)
def test_cron_daily_time_is_read_in_utc(now: datetime, zone: timezone) -> None:
    result = Cron("30 6 * * *").first_run(now.astimezone(zone))
    assert (result.hour, result.minute, result.second) == (6, 30, 0)
    assert result.tzinfo == UTC
    assert timedelta(0) < result - now <= timedelta(days=1)


def test_cron_known_values() -> None:
    monday_noon = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert Cron("0 9 * * 1").first_run(monday_noon) == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    assert Cron("0 0 1 * *").first_run(monday_noon) == datetime(2026, 2, 1, tzinfo=UTC)
    # Six fields: seconds come last.
    assert Cron("* * * * * */10").first_run(monday_noon) == monday_noon + timedelta(seconds=10)


def test_schedules_describe_themselves() -> None:
    assert Interval(timedelta(hours=1, minutes=30)).describe() == "every 1h30m"
    assert Interval(timedelta(seconds=45)).describe() == "every 45s"
    assert Cron("0 6 * * *").describe() == "cron 0 6 * * *"


async def _noop() -> None:
    return None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "nodot", "every": timedelta(minutes=1)}, "<context>.<verb>"),
        ({"name": "a.b"}, "exactly one of"),
        ({"name": "a.b", "every": timedelta(1), "cron": "* * * * *"}, "exactly one of"),
        ({"name": "a.b", "cron": "61 * * * *"}, "invalid cron"),
        ({"name": "a.b", "every": timedelta(milliseconds=10)}, "at least one second"),
    ],
)
def test_malformed_tasks_are_refused_with_their_name(kwargs: dict, message: str) -> None:
    with pytest.raises(TaskDefinitionError, match=message):
        Task(run=_noop, **kwargs)


def test_a_task_may_ask_only_for_known_arguments() -> None:
    async def wants_db(db: object) -> None:
        return None

    def not_async() -> None:
        return None

    with pytest.raises(TaskDefinitionError, match="cannot provide db"):
        Task("a.b", wants_db, every=timedelta(minutes=1))
    with pytest.raises(TaskDefinitionError, match="async"):
        Task("a.b", not_async, every=timedelta(minutes=1))


def test_load_tasks_collects_tables_and_refuses_duplicates() -> None:
    names = [t.name for t in load_tasks(["tests.scheduler.sample_tasks"])]
    assert names == ["sample.tick", "sample.yearly"]
    with pytest.raises(TaskDefinitionError, match="defined twice"):
        load_tasks(["tests.scheduler.sample_tasks", "tests.scheduler.sample_tasks"])
    with pytest.raises(TaskDefinitionError, match="no TASKS"):
        load_tasks(["tests.scheduler"])
