"""Key → text stores with a TTL, for caches and small shared state (a circuit breaker).

The same choice as the rate limiter's stores: Redis when `SHOPKEEPER_REDIS_URL` is set
(shared by every replica); otherwise the process's memory on SQLite (the embedded shape runs
exactly one process, and its request transactions would contend with a second writer on the
file); otherwise the `cache_entry` table, so API replicas on PostgreSQL share the caches
and the breaker. The TTL here only lets old entries go; what an entry means in time
(fresh, open until) is written inside its value by the caller, against the app's clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import BigInteger, String, case, cast, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from shopkeeper.cache.models import CacheEntry

SWEEP_SECONDS = 60


class KeyValueStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def get_many(self, *keys: str) -> list[str | None]:
        """The values at `keys`, in order, in one round trip (None where absent or expired)."""
        ...

    async def put(self, key: str, value: str, ttl: int) -> None: ...

    async def incr(self, key: str, ttl: int) -> int:
        """Add one to the counter at `key` (0 when absent or expired); the new count."""
        ...

    async def delete(self, *keys: str) -> None: ...

    async def close(self) -> None: ...


class MemoryStore:
    """One process only: right for the embedded shape, where there is exactly one."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, float]] = {}

    async def get(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is None or entry[1] <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry[0]

    async def get_many(self, *keys: str) -> list[str | None]:
        return [await self.get(key) for key in keys]

    async def put(self, key: str, value: str, ttl: int) -> None:
        self._entries[key] = (value, time.monotonic() + ttl)

    async def incr(self, key: str, ttl: int) -> int:
        count = int(await self.get(key) or 0) + 1
        await self.put(key, str(count), ttl)
        return count

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(key, None)

    async def close(self) -> None:
        self._entries = {}


class RedisStore:
    """Plain GET / SET EX / INCR + EXPIRE / DEL on the given keys."""

    def __init__(self, url: str, *, client: Any | None = None) -> None:
        from redis.asyncio import Redis

        self._redis = client or Redis.from_url(url)

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(key)
        return None if value is None else value.decode() if isinstance(value, bytes) else value

    async def get_many(self, *keys: str) -> list[str | None]:
        values = await self._redis.mget(keys) if keys else []
        return [v.decode() if isinstance(v, bytes) else v for v in values]

    async def put(self, key: str, value: str, ttl: int) -> None:
        await self._redis.set(key, value, ex=max(1, ttl))

    async def incr(self, key: str, ttl: int) -> int:
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, max(1, ttl))
        count, _ = await pipe.execute()
        return int(count)

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*keys)

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseStore:
    """Upserts into `cache_entry`, each in its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._swept_at = float("-inf")

    async def get(self, key: str) -> str | None:
        stmt = select(CacheEntry.value).where(
            CacheEntry.key == key, CacheEntry.expires_at > datetime.now(UTC)
        )
        async with self._engine.connect() as conn:
            value: str | None = await conn.scalar(stmt)
        return value

    async def get_many(self, *keys: str) -> list[str | None]:
        if not keys:
            return []
        stmt = select(CacheEntry.key, CacheEntry.value).where(
            CacheEntry.key.in_(keys), CacheEntry.expires_at > datetime.now(UTC)
        )
        async with self._engine.connect() as conn:
            found = {key: value for key, value in (await conn.execute(stmt)).all()}
        return [found.get(key) for key in keys]

    async def put(self, key: str, value: str, ttl: int) -> None:
        expires_at = datetime.now(UTC) + timedelta(seconds=ttl)
        insert = self._dialect.insert(CacheEntry).values(
            key=key, value=value, expires_at=expires_at
        )
        stmt = insert.on_conflict_do_update(
            index_elements=[CacheEntry.key],
            set_={"value": insert.excluded.value, "expires_at": insert.excluded.expires_at},
        )
        async with self._engine.begin() as conn:
            await conn.execute(stmt)
            await self._sweep(conn)

    async def incr(self, key: str, ttl: int) -> int:
        now = datetime.now(UTC)
        insert = self._dialect.insert(CacheEntry).values(
            key=key, value="1", expires_at=now + timedelta(seconds=ttl)
        )
        counted = cast(cast(CacheEntry.value, BigInteger) + 1, String)
        stmt = insert.on_conflict_do_update(
            index_elements=[CacheEntry.key],
            set_={
                "value": case((CacheEntry.expires_at <= now, "1"), else_=counted),
                "expires_at": insert.excluded.expires_at,
            },
        ).returning(CacheEntry.value)
        async with self._engine.begin() as conn:
            value = (await conn.execute(stmt)).scalar_one()
        return int(value)

    async def delete(self, *keys: str) -> None:
        if keys:
            async with self._engine.begin() as conn:
                await conn.execute(delete(CacheEntry).where(CacheEntry.key.in_(keys)))

    async def _sweep(self, conn: Any) -> None:
        """At most once a minute per process: drop entries past their expiry."""
        if time.monotonic() - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = time.monotonic()
        await conn.execute(delete(CacheEntry).where(CacheEntry.expires_at <= datetime.now(UTC)))

    async def close(self) -> None:
        return None


def build_store(*, redis_url: str | None, engine: AsyncEngine) -> KeyValueStore:
    """Redis when configured; else memory for SQLite (one process); else the database table."""
    if redis_url:
        return RedisStore(redis_url)
    if engine.dialect.name == "sqlite":
        return MemoryStore()
    return DatabaseStore(engine)
