"""The runtime's short-lived cache: one load for concurrent misses, forget wins over a load."""

from __future__ import annotations

import asyncio

from shopkeeper.bots.telegram.runtime import _TTLCache


async def test_concurrent_misses_share_one_load_and_forget_is_not_undone() -> None:
    cache: _TTLCache[str, int] = _TTLCache(60, max_size=3)
    loads = 0
    release = asyncio.Event()

    async def load() -> int:
        nonlocal loads
        loads += 1
        await release.wait()
        return loads

    waiting = [asyncio.create_task(cache.get("bot", load)) for _ in range(5)]
    await asyncio.sleep(0)
    cache.forget("bot")  # e.g. the bot was disconnected while its record was being read
    release.set()

    assert await asyncio.gather(*waiting) == [1] * 5 and loads == 1
    assert await cache.get("bot", load) == 2  # the stale value was not kept


async def test_the_cache_stays_bounded() -> None:
    cache: _TTLCache[int, int] = _TTLCache(60, max_size=3)

    async def load(value: int) -> int:
        return value

    for key in range(10):
        await cache.get(key, lambda key=key: load(key))  # type: ignore[misc]

    assert len(cache._values) <= 3 and 9 in cache._values
