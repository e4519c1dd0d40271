"""Fixed-window counters: in memory (embedded, one process), Redis, or the database table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shopkeeper.ratelimit.models import RateCounter

WINDOW_SECONDS = 60


class RateStore(Protocol):
    async def hit(self, keys: Sequence[str], window: int) -> list[int]:
        """Count one request against each key in `window`; the counts after it, in order."""
        ...

    async def close(self) -> None: ...


class MemoryStore:
    """One process only: right for the embedded shape, where there is exactly one."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, keys: Sequence[str], window: int) -> list[int]:
        if window != self._window:
            self._window, self._counts = window, {}
        counts = self._counts
        result = []
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
            result.append(counts[key])
        return result

    async def close(self) -> None:
        self._counts = {}


class RedisStore:
    """INCR + EXPIRE for every key in one pipelined round trip; shared by every replica."""

    def __init__(self, url: str, *, client: Any | None = None) -> None:
        from redis.asyncio import Redis

        self._redis = client or Redis.from_url(url)

    async def hit(self, keys: Sequence[str], window: int) -> list[int]:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            name = f"shopkeeper:rl:{window}:{key}"
            pipe.incr(name)
            pipe.expire(name, WINDOW_SECONDS * 2)
        replies = await pipe.execute()
        return [int(n) for n in replies[::2]]

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseStore:
    """One upsert for all keys (ON CONFLICT … count + 1 RETURNING); old windows swept away."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._swept_window = -1

    async def hit(self, keys: Sequence[str], window: int) -> list[int]:
        expires_at = datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, UTC)
        rows = [{"key": k, "window": window, "count": 1, "expires_at": expires_at} for k in keys]
        insert = self._dialect.insert(RateCounter).values(rows)
        stmt = insert.on_conflict_do_update(
            index_elements=[RateCounter.key, RateCounter.window],
            set_={"count": RateCounter.count + 1},
        ).returning(RateCounter.key, RateCounter.count)
        # On PostgreSQL the upsert commits on its own, so the hot counter row (one per client
        # IP) is locked for one statement, not for BEGIN … COMMIT (3 round trips). SQLite keeps
        # its transaction: its writes go through the engine's writer gate (see shopkeeper.db).
        async with self._connection() as conn:
            counts = {key: count for key, count in (await conn.execute(stmt)).all()}
            if window != self._swept_window:
                self._swept_window = window
                now = datetime.fromtimestamp(window * WINDOW_SECONDS, UTC)
                await conn.execute(delete(RateCounter).where(RateCounter.expires_at < now))
        return [counts[k] for k in keys]

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        if self._engine.dialect.name != "postgresql":
            async with self._engine.begin() as conn:
                yield conn
            return
        async with self._engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def close(self) -> None:
        return None


def build_store(*, redis_url: str | None, engine: AsyncEngine) -> RateStore:
    """Redis when configured; else memory for SQLite (one process); else the database table."""
    if redis_url:
        return RedisStore(redis_url)
    if engine.dialect.name == "sqlite":
        return MemoryStore()
    return DatabaseStore(engine)
