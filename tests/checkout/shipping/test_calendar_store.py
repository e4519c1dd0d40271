"""The calendar's stores (memory, database table, Redis) hold the cache and the breaker alike."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.checkout.shipping import CalendarAnswer, CalendarClient, CalendarOutage
from shopkeeper.checkout.shipping.calendar_client import FAILURES_KEY, OPEN_UNTIL_KEY
from shopkeeper.checkout.shipping.calendar_store import (
    CalendarStore,
    DatabaseStore,
    MemoryStore,
    RedisStore,
)
from shopkeeper.checkout.shipping.models import CalendarEntry
from shopkeeper.kit.clock import FrozenClock
from tests.fakes.delivery_calendar import FakeCalendar

REDIS = pytest.mark.skipif(
    os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1", reason="needs real Redis"
)


@pytest.fixture(
    params=["memory", "database", pytest.param("redis", marks=[pytest.mark.brokers, REDIS])]
)
async def store(
    request: pytest.FixtureRequest, container: Container
) -> AsyncIterator[CalendarStore]:
    made: CalendarStore
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "database":
        made = DatabaseStore(container.engine)
    else:
        made = RedisStore(os.environ.get("SHOPKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    await made.delete(FAILURES_KEY, OPEN_UNTIL_KEY)
    yield made
    await made.delete(FAILURES_KEY, OPEN_UNTIL_KEY)
    await made.close()


async def test_put_get_incr_delete(store: CalendarStore) -> None:
    key = f"calendar:test:{uuid.uuid4().hex}"
    assert await store.get(key) is None
    await store.put(key, '{"a": 1}', 60)
    await store.put(key, '{"a": 2}', 60)
    assert await store.get(key) == '{"a": 2}'
    counter = key + ":n"
    assert [await store.incr(counter, 60) for _ in range(3)] == [1, 2, 3]
    await store.delete(key, counter)
    assert (await store.get(key), await store.get(counter)) == (None, None)
    assert await store.incr(counter, 60) == 1
    await store.delete(counter)


async def test_expired_entries_are_gone_and_counters_restart(container: Container) -> None:
    for store in (MemoryStore(), DatabaseStore(container.engine)):
        await store.put("calendar:old", "x", 0)
        assert await store.get("calendar:old") is None
        await store.put("calendar:n", "7", 0)
        assert await store.incr("calendar:n", 60) == 1
    async with container.sessions() as session:  # the first put swept what had expired
        keys = set(await session.scalars(select(CalendarEntry.key)))
        assert keys == {"calendar:n"}
        assert await session.scalar(select(func.count()).select_from(CalendarEntry)) == 1


async def test_the_breaker_and_cache_work_on_every_store(
    store: CalendarStore, fake_calendar: FakeCalendar, clock: FrozenClock
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
