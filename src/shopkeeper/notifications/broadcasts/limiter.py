"""Send slots per bot shared by every process that sends for it.

`reserve(key, count, gap)` books `count` consecutive slots `gap` seconds apart and returns
the wall-clock time of the first; nobody else gets a slot in that span. `hold(key, until)`
keeps every sender of the key quiet until then (a 429's retry_after). Redis when configured
(one Lua script, atomic), else one process's memory (the embedded shape: SQLite, one
process), else a row per key in the database (`notifications_send_slot`, one upsert).
`SendGuard` is one process's own count of its sends, whatever the slots said.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
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


class SendGuard:
    """One process's sends for one bot: at most `cap` within any `window` seconds of its clock,
    so sends that a busy event loop made late cannot bunch up. While there is room a send goes
    at once; beyond it sends wait in order, and one timer lets in as many as the window has
    room for whenever a place frees (no waiter wakes unless it may go). A send counts from
    when it really goes on: a waiter let in holds its place until it runs."""

    def __init__(self, cap: int, window: float) -> None:
        self.cap, self.window = cap, window
        self._sent: deque[float] = deque()  # when each send of the last window went on
        self._let_in_not_run = 0  # waiters let in that have not run yet: their places are held
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    async def admit(self) -> None:
        if not self._waiting and self._room(time.time()):
            self._sent.append(time.time())
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._arm()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # let in, then stopped: free it
                self._let_in_not_run -= 1
                self._arm()
            raise
        self._let_in_not_run -= 1
        self._sent.append(time.time())

    def _room(self, now: float) -> bool:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        return len(self._sent) + self._let_in_not_run < self.cap

    def _let_in(self) -> None:
        self._timer = None
        while self._waiting and self._room(time.time()):
            waiter = self._waiting.popleft()
            if not waiter.done():  # a cancelled waiter takes no place
                self._let_in_not_run += 1
                waiter.set_result(None)
        self._arm()

    def _arm(self) -> None:
        if self._waiting and self._timer is None:
            # the oldest send leaves the window then; with none, a let-in waiter runs soon
            delay = self._sent[0] + self.window - time.time() if self._sent else 0.001
            self._timer = asyncio.get_running_loop().call_later(max(delay, 0.0), self._let_in)
