"""The process's cache store, built from settings on first use (tests may preset it)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from shopkeeper.cache.stores import (
    DatabaseStore,
    KeyValueStore,
    MemoryStore,
    RedisStore,
    build_store,
)
from shopkeeper.container import Container
from shopkeeper.db import create_engine

STORE_EXTRA = "cache.store"
POOL_SIZE = 4


def cache_store(container: Container) -> KeyValueStore:
    store = container.extras.get(STORE_EXTRA)
    if store is None:
        settings = container.settings
        store = build_store(redis_url=settings.redis_url, engine=_store_engine(container))
        container.extras[STORE_EXTRA] = store
        container.closers.append(store.close)
    assert isinstance(store, MemoryStore | RedisStore | DatabaseStore)
    return store


def _store_engine(container: Container) -> AsyncEngine:
    """The database the caches use without Redis. On PostgreSQL it has a small pool of its
    own: a request holding one of the main pool's connections never waits for a second one
    from that pool (a full pool of such requests would wait for ever)."""
    engine = container.engine
    if container.settings.redis_url or engine.dialect.name != "postgresql":
        return engine
    own = create_engine(container.settings.database_url, pool_size=POOL_SIZE)
    container.closers.append(own.dispose)
    return own
