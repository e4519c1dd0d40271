"""Pacing: slots handed out batch after batch never put more than `rate` sends in any WINDOW,
and the sends of any second (slots of at most 1 + LATE seconds) stay under `rate`. Late sends
are in test_delivery.py; how close to the cap a real run gets is measured in
bench/broadcasts.py, not here."""

from __future__ import annotations

import gc
import os
import uuid

import pytest

from shopkeeper.bootstrap import Container
from shopkeeper.notifications.broadcasts import BroadcastEngine, broadcast_engine
from shopkeeper.notifications.broadcasts.delivery import LATE, WINDOW
from shopkeeper.notifications.broadcasts.limiter import (
    DatabaseGate,
    MemoryGate,
    RedisGate,
    SlotGate,
)
from tests.conftest import on_postgres


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
        gate, slots = MemoryGate(clock=lambda: 0.0), []  # a still clock: delays are times
        for _ in range(int(3 * rate / size) + 1):  # three windows' worth, batch by batch
            first = await gate.reserve("bot", size, gap)
            slots += [first + i * gap for i in range(size)]

        assert _most_in_window(slots, WINDOW) == rate, (paid, rate)  # so, with LATE inside it
        assert WINDOW - 1.0 - LATE >= 0.03  # room left for the network's jitter


async def test_a_gate_speaks_in_delays_and_a_hold_keeps_every_sender_quiet() -> None:
    gate = MemoryGate()
    assert await gate.reserve("bot", 3, 0.1) == 0.0  # free now
    assert 0.29 < await gate.reserve("bot", 1, 0.1) <= 0.3  # after the three booked
    await gate.hold("bot", 2.0)
    assert 1.9 < await gate.reserve("bot", 1, 0.1) <= 2.0
    assert await gate.reserve("other-bot", 1, 0.1) == 0.0  # bots do not share slots


@pytest.mark.brokers
@pytest.mark.skipif(
    os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1" and not on_postgres(),
    reason="the shared gates need real Redis or PostgreSQL",
)
async def test_the_shared_gates_book_on_their_own_clock_and_answer_in_delays(
    container: Container,
) -> None:
    gates: list[SlotGate] = []
    if on_postgres():
        gates.append(DatabaseGate(container.engine))
    if os.environ.get("SHOPKEEPER_TEST_BROKERS") == "1":
        gates.append(
            RedisGate(os.environ.get("SHOPKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
        )
    for gate in gates:
        key = f"test-{uuid.uuid4().hex}"
        assert 0.0 <= await gate.reserve(key, 3, 0.1) < 0.05, gate  # free now
        assert 0.2 < await gate.reserve(key, 1, 0.1) <= 0.3, gate  # after the three booked
        await gate.hold(key, 5.0)
        assert 4.8 < await gate.reserve(key, 1, 0.1) <= 5.0, gate
        await gate.close()


async def test_the_process_engine_freezes_the_heap_built_so_far_until_closed(
    container: Container,
) -> None:
    """A full collection mid-broadcast then scans only what sending makes (no 0.3 s stall)."""
    engine = broadcast_engine(container)

    assert gc.get_freeze_count() > 0 and broadcast_engine(container) is engine
    await container.close()
    assert gc.get_freeze_count() == 0
