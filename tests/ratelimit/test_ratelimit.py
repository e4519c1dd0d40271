"""Rate limits per IP and per caller: 429 JSON with Retry-After; three interchangeable stores."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.ratelimit import DatabaseStore, MemoryStore, RateStore, RedisStore, build_store
from shopkeeper.ratelimit.models import RateCounter
from tests.builders import create_user, login
from tests.conftest import make_settings

LIMIT = 3


@pytest.fixture
async def limited(database_url: str, clock: FrozenClock) -> AsyncIterator[Container]:
    container = build_container(
        make_settings(database_url, rate_limit_per_minute=LIMIT), clock=clock
    )
    yield container
    await container.close()


def _client(container: Container, ip: str) -> AsyncClient:
    """A client from address `ip` to the one app of this container (one store per app)."""
    app = container.extras.get("test_app")
    if app is None:
        app = container.extras["test_app"] = create_app(container=container)
    return AsyncClient(
        transport=ASGITransport(app=app, client=(ip, 1234)), base_url="http://testserver"
    )


async def test_the_request_over_the_limit_gets_429_with_retry_after(
    limited: Container, clock: FrozenClock
) -> None:
    clock.advance(seconds=15)  # 15 s into the minute: the window ends in 45 s
    async with _client(limited, "10.0.0.1") as client:
        statuses = [(await client.get("/api/v1/auth/me")).status_code for _ in range(LIMIT)]
        limited_response = await client.get("/api/v1/auth/me")
        assert statuses == [401] * LIMIT
        assert limited_response.status_code == 429
        assert limited_response.headers["retry-after"] == "45"
        assert limited_response.json()["error"] == "TooManyRequests"
        assert "3 requests per minute" in limited_response.json()["detail"]
        clock.advance(seconds=45)
        assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_other_addresses_are_counted_apart(limited: Container) -> None:
    async with _client(limited, "10.0.0.1") as first, _client(limited, "10.0.0.2") as second:
        for _ in range(LIMIT):
            await first.get("/api/v1/auth/me")
        assert (await first.get("/api/v1/auth/me")).status_code == 429
        assert (await second.get("/api/v1/auth/me")).status_code == 401


async def test_payment_webhooks_have_their_own_larger_budget(limited: Container) -> None:
    """A gateway's burst is not cut at the API limit, and does not spend the API budget."""
    from shopkeeper.ratelimit.middleware import WEBHOOK_LIMIT_FACTOR

    hook = "/api/v1/shops/nowhere/payments/webhooks/stripe"
    budget = LIMIT * WEBHOOK_LIMIT_FACTOR
    async with _client(limited, "10.0.0.7") as gateway:
        statuses = [(await gateway.post(hook, content=b"{}")).status_code for _ in range(budget)]
        assert 429 not in statuses
        over = await gateway.post(hook, content=b"{}")
        assert over.status_code == 429
        assert over.headers["x-ratelimit-limit"] == str(budget)
        assert (await gateway.get("/api/v1/auth/me")).status_code == 401  # API budget untouched


async def test_one_user_is_limited_across_addresses(limited: Container) -> None:
    user = await create_user(limited)
    async with _client(limited, "10.0.0.9") as anon:
        tokens = await login(anon, email=user.email)
    for index in range(LIMIT):
        async with _client(limited, f"10.0.1.{index}") as client:
            assert (await client.get("/api/v1/auth/me", headers=tokens.headers)).status_code == 200
    async with _client(limited, "10.0.2.1") as client:
        response = await client.get("/api/v1/auth/me", headers=tokens.headers)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) >= 1


async def test_health_metrics_and_static_files_are_exempt(limited: Container) -> None:
    async with _client(limited, "10.0.0.3") as client:
        for _ in range(LIMIT):
            await client.get("/api/v1/auth/me")
        assert (await client.get("/api/v1/auth/me")).status_code == 429
        for path in (
            "/api/health",
            "/api/health/ready",
            "/metrics",
            "/static/x.css",
            "/admin/static/a.js",
        ):
            assert (await client.get(path)).status_code != 429, path


def test_sqlite_uses_memory_and_redis_wins_when_configured(limited: Container) -> None:
    store = build_store(redis_url=None, engine=limited.engine)
    expected = MemoryStore if limited.settings.is_sqlite else DatabaseStore
    assert isinstance(store, expected)
    assert isinstance(
        build_store(redis_url="redis://127.0.0.1:6379/15", engine=limited.engine), RedisStore
    )


async def _exercise(store: RateStore) -> None:
    """The contract every store keeps: counts per key and per window, in the order asked."""
    prefix = uuid.uuid4().hex
    a, b = f"{prefix}:a", f"{prefix}:b"
    assert await store.hit([a, b], 100) == [1, 1]
    assert await store.hit([a], 100) == [2]
    assert await store.hit([b, a], 100) == [2, 3]
    assert await store.hit([a, b], 101) == [1, 1]


async def test_the_memory_store_counts_per_window() -> None:
    store = MemoryStore()
    await _exercise(store)
    await store.close()


async def test_the_database_store_counts_with_upserts_and_sweeps_old_windows(
    limited: Container,
) -> None:
    store = DatabaseStore(limited.engine)
    await _exercise(store)
    await store.flush()
    await store.hit(["late"], 104)  # a new window sweeps rows that expired before it
    await store.flush()
    async with limited.sessions() as session:
        windows = set(await session.scalars(select(RateCounter.window)))
        rows = await session.scalar(select(func.count()).select_from(RateCounter))
    assert windows == {104} and rows == 1


async def test_database_stores_of_two_processes_share_their_counts_through_the_table(
    limited: Container,
) -> None:
    """Each process counts its own hits at once; the other's arrive with a flush (≤ 0.5 s)."""
    first, second = DatabaseStore(limited.engine), DatabaseStore(limited.engine)
    key = uuid.uuid4().hex
    assert [await first.hit([key], 7) for _ in range(3)] == [[1], [2], [3]]
    assert await second.hit([key], 7) == [1]  # not flushed yet: only its own hit
    await first.flush()
    await second.flush()
    assert await second.hit([key], 7) == [5]  # 3 + 1 in the table, and this one
    assert await first.hit([key], 7) == [4]  # it flushed first: it knows 3, and this one
    await first.flush()
    assert await first.hit([key], 7) == [6]  # the table's 5, and this one
    await first.close()
    await second.close()
    async with limited.sessions() as session:
        count = await session.scalar(select(RateCounter.count).where(RateCounter.key == key))
    assert count == 7


async def test_the_database_store_flushes_by_itself(limited: Container) -> None:
    """No close, no explicit flush: the hit reaches the table by itself (waited for up to
    10 s, as a loaded machine may run the flush late)."""
    import asyncio

    store = DatabaseStore(limited.engine)
    key = uuid.uuid4().hex
    await store.hit([key], 9)
    count = None
    for _ in range(100):
        await asyncio.sleep(DatabaseStore.FLUSH_SECONDS / 5)
        async with limited.sessions() as session:
            query = select(RateCounter.count).where(RateCounter.key == key)
            if (count := await session.scalar(query)) is not None:
                break
    assert count == 1
    await store.close()


@pytest.mark.brokers
@pytest.mark.skipif(os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1", reason="needs real Redis")
async def test_the_redis_store_counts_per_window() -> None:
    url = os.environ.get("SHOPKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    store = RedisStore(url)
    try:
        await _exercise(store)
    finally:
        await store.close()
