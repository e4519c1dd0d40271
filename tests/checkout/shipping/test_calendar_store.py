"""Every cache store (memory, database table, Redis) holds the calendar's cache and breaker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from shopkeeper.cache import KeyValueStore
from shopkeeper.checkout.shipping import CalendarAnswer, CalendarClient, CalendarOutage
from shopkeeper.checkout.shipping.calendar_client import FAILURES_KEY, OPEN_UNTIL_KEY
from shopkeeper.kit.clock import FrozenClock
from tests.cache.conftest import any_store
from tests.fakes.delivery_calendar import FakeCalendar

__all__ = ["any_store"]


@pytest.fixture
async def store(any_store: KeyValueStore) -> AsyncIterator[KeyValueStore]:
    await any_store.delete(FAILURES_KEY, OPEN_UNTIL_KEY)
    yield any_store
    await any_store.delete(FAILURES_KEY, OPEN_UNTIL_KEY)


async def test_the_breaker_and_cache_work_on_every_store(
    store: KeyValueStore, fake_calendar: FakeCalendar, clock: FrozenClock
) -> None:
    http = httpx.AsyncClient()
    client = CalendarClient(
        fake_calendar.url, store, http=http, failure_threshold=2, cooldown_seconds=30
    )
    code = f"T{uuid.uuid4().hex[:8]}"
    today = date(2026, 1, 1)

    async def ask() -> CalendarAnswer | CalendarOutage:
        return await client.calendar(
            calendar_code=code, country="DE", postal_code="10115", today=today, now=clock.now()
        )

    fake_calendar.mode = "fail"
    assert [(await ask()).status for _ in range(3)] == ["unavailable"] * 3
    assert len(fake_calendar.calls) == 2 and await client.state(clock.now()) == "open"
    fake_calendar.mode = "ok"
    clock.advance(seconds=30)
    assert await client.state(clock.now()) == "half_open"
    answer = await ask()
    assert isinstance(answer, CalendarAnswer) and len(answer.days) == 12
    assert await client.state(clock.now()) == "closed"
    assert await ask() == answer and len(fake_calendar.calls) == 3  # cached
    await store.delete(f"calendar:{code}:DE-10115")
    await http.aclose()
