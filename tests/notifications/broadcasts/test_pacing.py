"""Pacing: slots handed out batch after batch never put more than `rate` sends in any WINDOW;
each process's own guard (at most `guard_cap(rate)` a second) lets sends with room go at once
and the rest in order as places free; sends on time never wait for it. How close to the cap a
real run gets is measured in bench/broadcasts.py, not here."""

from __future__ import annotations

import asyncio
import gc
import time

from shopkeeper.bootstrap import Container
from shopkeeper.notifications.broadcasts import BroadcastEngine, broadcast_engine
from shopkeeper.notifications.broadcasts.delivery import WINDOW, guard_cap
from shopkeeper.notifications.broadcasts.limiter import MemoryGate, SendGuard


def _most_in_window(times: list[float], width: float) -> int:
    """The most of `times` in any [t, t + width) starting at one of them (float rounding aside)."""
    best, right = 0, 0
    for left, start in enumerate(times):
        while right < len(times) and times[right] < start + width - 1e-9:
            right += 1
        best = max(best, right - left)
    return best


async def test_the_slots_of_a_bot_never_put_more_than_its_rate_in_a_window(
    container: Container,
) -> None:
    engine = BroadcastEngine(container, worker="pacing", gate=MemoryGate())
    for paid in (False, True):
        rate, gap, size = engine.rate(paid), engine.gap(paid), engine.batch_size(paid)
        gate, slots = MemoryGate(), []
        for _ in range(int(3 * rate / size) + 1):  # three windows' worth, batch by batch
            first = await gate.reserve("bot", size, gap)
            slots += [first + i * gap for i in range(size)]

        assert _most_in_window(slots, WINDOW) == rate, (paid, rate)
        assert _most_in_window(slots, 1.0) < rate  # Telegram's second, with room for jitter


async def test_the_guard_lets_sends_with_room_go_at_once_and_the_rest_in_order() -> None:
    guard, let_in = SendGuard(cap=3, window=0.3), list[tuple[int, float]]()

    async def send(n: int) -> None:
        await guard.admit()
        let_in.append((n, time.monotonic()))

    started = time.monotonic()
    await asyncio.gather(*(send(n) for n in range(8)))

    assert [n for n, _ in let_in] == list(range(8))  # in the order they asked
    waited = [at - started for _, at in let_in]
    assert max(waited[:3]) < 0.1  # room in the window: at once
    assert min(waited[3:6]) > 0.29 and min(waited[6:]) > 0.59  # then as places free


async def test_a_cancelled_waiting_send_gives_its_place_to_the_next() -> None:
    guard = SendGuard(cap=1, window=0.2)
    await guard.admit()
    first = asyncio.create_task(guard.admit())
    second = asyncio.create_task(guard.admit())
    await asyncio.sleep(0.05)
    first.cancel()

    await asyncio.wait_for(second, timeout=2)

    assert first.cancelled() and second.done()


def test_sends_on_time_never_wait_for_the_guard_and_late_ones_can_catch_up() -> None:
    """The guard's second holds more than the slots' pace (no wait on time; room to catch up)
    and less than the cap (a catch-up never fills Telegram's second)."""
    for rate in (20, 30, 200, 1000):
        cap = guard_cap(rate)
        on_time = [i * WINDOW / rate for i in range(3 * rate)]
        assert _most_in_window(on_time, 1.0) <= cap < rate, rate
        assert cap > rate / WINDOW, rate


async def test_the_process_engine_freezes_the_heap_built_so_far_until_closed(
    container: Container,
) -> None:
    """A full collection mid-broadcast then scans only what sending makes (no 0.3 s stall)."""
    engine = broadcast_engine(container)

    assert gc.get_freeze_count() > 0 and broadcast_engine(container) is engine
    await container.close()
    assert gc.get_freeze_count() == 0
