"""Send slots per bot shared by every process that sends for it.

`reserve(key, count, gap)` books `count` consecutive slots `gap` seconds apart and returns
the wall-clock time of the first; nobody else gets a slot in that span. `hold(key, until)`
keeps every sender of the key quiet until then (a 429's retry_after). Redis when configured
(one Lua script, atomic), else one process's memory (the embedded shape: SQLite, one
process), else a row per key in the database (`notifications_send_slot`, one upsert).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from sqlalchemy import func
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from shopkeeper.notifications.broadcasts.models import SendSlot


class SlotGate(Protocol):
    async def reserve(self, key: str, count: int, gap: float) -> float: ...

    async def hold(self, key: str, until: float) -> None: ...

    async def close(self) -> None: ...


class MemoryGate:
    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    async def reserve(self, key: str, count: int, gap: float) -> float:
        start = max(time.time(), self._next.get(key, 0.0))
        self._next[key] = start + count * gap
        return start

    async def hold(self, key: str, until: float) -> None:
        self._next[key] = max(self._next.get(key, 0.0), until)

    async def close(self) -> None:
        self._next.clear()


_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = start + tonumber(ARGV[1])
local ttl = math.ceil((after - now) * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', ttl)
return string.format('%.6f', start)
"""
_HOLD = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', math.ceil(ARGV[2]) + 60)
end
return 1
"""


class RedisGate:
    """The slot schedule on Redis's clock, so the senders' clocks need not agree."""

    def __init__(self, url: str, *, client: Any | None = None) -> None:
        from redis.asyncio import Redis

        self._redis = client or Redis.from_url(url)
        self._reserve = self._redis.register_script(_RESERVE)
        self._hold = self._redis.register_script(_HOLD)

    async def reserve(self, key: str, count: int, gap: float) -> float:
        name = f"shopkeeper:broadcast-slot:{key}"
        start = await self._reserve(keys=[name], args=[f"{count * gap:.6f}"])
        return float(start)

    async def hold(self, key: str, until: float) -> None:
        name = f"shopkeeper:broadcast-slot:{key}"
        await self._hold(keys=[name], args=[f"{until:.6f}", f"{max(until - time.time(), 1)}"])

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseGate:
    """PostgreSQL without Redis: INSERT … ON CONFLICT DO UPDATE … RETURNING on one row a key."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def reserve(self, key: str, count: int, gap: float) -> float:
        now, span = time.time(), count * gap
        insert = postgresql.insert(SendSlot).values(key=key, next_at=now + span)
        stmt = insert.on_conflict_do_update(
            index_elements=[SendSlot.key],
            set_={"next_at": func.greatest(SendSlot.next_at, now) + span},
        ).returning(SendSlot.next_at)
        async with self._engine.begin() as conn:
            after = float((await conn.execute(stmt)).scalar_one())
        return after - span

    async def hold(self, key: str, until: float) -> None:
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
