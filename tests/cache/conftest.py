"""Every kind of cache store, each test run once per kind (Redis only with real brokers)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from shopkeeper.bootstrap import Container
from shopkeeper.cache import DatabaseStore, KeyValueStore, MemoryStore, RedisStore

REDIS = pytest.mark.skipif(
    os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1", reason="needs real Redis"
)


@pytest.fixture(
    params=["memory", "database", pytest.param("redis", marks=[pytest.mark.brokers, REDIS])]
)
async def any_store(
    request: pytest.FixtureRequest, container: Container
) -> AsyncIterator[KeyValueStore]:
    made: KeyValueStore
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "database":
        made = DatabaseStore(container.engine)
    else:
        made = RedisStore(os.environ.get("SHOPKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    yield made
    await made.close()
