"""Fixed-window counters: in memory (embedded, one process), Redis, or the database table."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shopkeeper.ratelimit.models import RateCounter

WINDOW_SECONDS = 60
log = structlog.get_logger(__name__)


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
    """Counts shared through the `ratelimit_counter` table, written in batches.

    A request is counted in the process at once and answered from what the process knows: the
    shared count the table gave at the last flush plus its own hits since. A background flush
    every FLUSH_SECONDS adds the hits to the table in one upsert (count + n RETURNING the new
    counts) and sweeps windows gone by. One process is counted exactly; several see each
    other's hits within a flush — a request costs no statement of its own, and the hot row of
    a busy client IP is written twice a second, not once per request by every process.
    """

    FLUSH_SECONDS = 0.5

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._window = -1
        self._known: dict[str, int] = {}  # the table's count at the last flush
        self._pending: dict[str, int] = {}  # this process's hits not yet in the table
        self._swept_window = -1
        self._flushing: asyncio.Task[None] | None = None

    async def hit(self, keys: Sequence[str], window: int) -> list[int]:
        if window != self._window:  # the hits of a window gone by no longer limit anyone
            self._window, self._known, self._pending = window, {}, {}
        counts = []
        for key in keys:
            self._pending[key] = self._pending.get(key, 0) + 1
            counts.append(self._known.get(key, 0) + self._pending[key])
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush_later())
        return counts

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.FLUSH_SECONDS)
        try:
            await self.flush()
        except Exception:  # the limiter must never take the API down with it
            log.warning("ratelimit.flush_failed", exc_info=True)

    async def flush(self) -> None:
        """Add this process's hits to the table and learn the shared counts."""
        window, hits = self._window, dict(self._pending)
        if not hits:
            return
        expires_at = datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, UTC)
        rows = [{"key": k, "window": window, "count": n, "expires_at": expires_at}
                for k, n in hits.items()]  # fmt: skip
        insert = self._dialect.insert(RateCounter).values(rows)
        stmt = insert.on_conflict_do_update(
            index_elements=[RateCounter.key, RateCounter.window],
            set_={"count": RateCounter.count + insert.excluded.count},
        ).returning(RateCounter.key, RateCounter.count)
        # On PostgreSQL the upsert commits on its own (no BEGIN … COMMIT round trips around
        # it). SQLite keeps its transaction: writes go through the engine's writer gate.
        async with self._connection() as conn:
            shared = {key: count for key, count in (await conn.execute(stmt)).all()}
            if window != self._swept_window:
                self._swept_window = window
                now = datetime.fromtimestamp(window * WINDOW_SECONDS, UTC)
                await conn.execute(delete(RateCounter).where(RateCounter.expires_at < now))
        if window == self._window:
            for key, count in hits.items():
                self._pending[key] -= count
                self._known[key] = shared[key]

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        if self._engine.dialect.name != "postgresql":
            async with self._engine.begin() as conn:
                yield conn
            return
        async with self._engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def close(self) -> None:
        if self._flushing is not None and not self._flushing.done():
            self._flushing.cancel()
        try:
            await self.flush()
        except Exception:
            log.warning("ratelimit.flush_failed", exc_info=True)


def build_store(*, redis_url: str | None, engine: AsyncEngine) -> RateStore:
    """Redis when configured; else memory for SQLite (one process); else the database table."""
    if redis_url:
        return RedisStore(redis_url)
    if engine.dialect.name == "sqlite":
        return MemoryStore()
    return DatabaseStore(engine)
