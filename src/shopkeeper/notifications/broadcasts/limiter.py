"""Send slots per bot shared by every process that sends for it.

`reserve(key, count, gap)` books `count` consecutive slots `gap` seconds apart and returns
in how many seconds the first one is; nobody else gets a slot in that span. `hold(key,
seconds)` keeps every sender of the key quiet for that long (a 429's retry_after). Both speak
in delays, not clock readings, so the senders' clocks need not agree with the gate's. Redis
when configured (one Lua script, atomic, on Redis's clock), else one process's memory (the
embedded shape: SQLite, one process), else a row per key in the database
(`notifications_send_slot`, one upsert, on the database's clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import func, literal
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from shopkeeper.notifications.broadcasts.models import SendSlot


class SlotGate(Protocol):
    async def reserve(self, key: str, count: int, gap: float) -> float: ...

    async def hold(self, key: str, seconds: float) -> None: ...

    async def close(self) -> None: ...


class MemoryGate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._next: dict[str, float] = {}
        self._clock = clock

    async def reserve(self, key: str, count: int, gap: float) -> float:
        now = self._clock()
        start = max(now, self._next.get(key, 0.0))
        self._next[key] = start + count * gap
        return start - now

    async def hold(self, key: str, seconds: float) -> None:
        self._next[key] = max(self._next.get(key, 0.0), self._clock() + seconds)

    async def close(self) -> None:
        self._next.clear()


_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = start + tonumber(ARGV[1])
local ttl = math.ceil((after - now) * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', ttl)
return string.format('%.6f', start - now)
"""
_HOLD = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.6f', until_), 'EX', math.ceil(ARGV[1]) + 60)
end
return 1
"""


class RedisGate:
    def __init__(self, url: str, *, client: Any | None = None) -> None:
        from redis.asyncio import Redis

        self._redis = client or Redis.from_url(url)
        self._reserve = self._redis.register_script(_RESERVE)
        self._hold = self._redis.register_script(_HOLD)

    async def reserve(self, key: str, count: int, gap: float) -> float:
        name = f"shopkeeper:broadcast-slot:{key}"
        return float(await self._reserve(keys=[name], args=[f"{count * gap:.6f}"]))

    async def hold(self, key: str, seconds: float) -> None:
        name = f"shopkeeper:broadcast-slot:{key}"
        await self._hold(keys=[name], args=[f"{max(seconds, 0.0):.6f}"])

    async def close(self) -> None:
        await self._redis.aclose()


_DB_NOW = func.extract("epoch", func.clock_timestamp())


class DatabaseGate:
    """PostgreSQL without Redis: INSERT … ON CONFLICT DO UPDATE … RETURNING on one row a key."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def reserve(self, key: str, count: int, gap: float) -> float:
        span = count * gap
        insert = postgresql.insert(SendSlot).values(key=key, next_at=_DB_NOW + span)
        stmt = insert.on_conflict_do_update(
            index_elements=[SendSlot.key],
            set_={"next_at": func.greatest(SendSlot.next_at, _DB_NOW) + span},
        ).returning(SendSlot.next_at - span - _DB_NOW)
        async with self._engine.begin() as conn:
            return max(float((await conn.execute(stmt)).scalar_one()), 0.0)

    async def hold(self, key: str, seconds: float) -> None:
        until = _DB_NOW + literal(max(seconds, 0.0))
        insert = postgresql.insert(SendSlot).values(key=key, next_at=until)
        stmt = insert.on_conflict_do_update(
            index_elements=[SendSlot.key],
            set_={"next_at": func.greatest(SendSlot.next_at, until)},
        )
        async with self._engine.begin() as conn:
            await conn.execute(stmt)

    async def close(self) -> None:
        return None


def build_gate(*, redis_url: str | None, engine: AsyncEngine) -> SlotGate:
    if redis_url:
        return RedisGate(redis_url)
    if engine.dialect.name == "sqlite":
        return MemoryGate()
    return DatabaseGate(engine)
