"""Delivery: within the per-bot rate, exactly once across workers and restarts, 429s waited
out, blocked users unreachable, every message in the delivery log."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications.broadcasts.limiter import MemoryGate, build_gate
from shopkeeper.notifications.broadcasts.repository import RecipientRepository
from shopkeeper.notifications.models import NotificationMessage
from tests.bots.telegram.conftest import Connected
from tests.notifications.broadcasts.conftest import (
    RATE,
    TimedTelegram,
    create,
    engine,
    people,
    read,
    send_now,
)


async def test_everyone_gets_it_once_within_the_rate_with_link_buttons(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    crowd = await people(container, bot, 50)
    broadcast = await create(
        client, bot, buttons=[{"text": "Shop", "url": "https://shop.example/sale"}]
    )
    started = await send_now(client, bot, broadcast)
    assert started["status"] == "sending" and started["progress"]["total"] == 50

    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
    assert telegram.busiest_second() <= RATE
    message = telegram.sent(crowd[0].chat_id)[0]
    assert message["text"] == "<b>Sale</b> today" and message["parse_mode"] == "HTML"
    assert message["reply_markup"]["inline_keyboard"] == [
        [{"text": "Shop", "url": "https://shop.example/sale"}]
    ]
    done = await read(client, bot, broadcast)
    assert done["status"] == "completed" and done["finished_at"] is not None
    progress = done["progress"]
    assert (progress["sent"], progress["failed"], progress["remaining"]) == (50, 0, 0)


async def test_the_rate_holds_at_full_speed_over_several_seconds(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    await people(container, bot, 100)
    broadcast = await send_now(client, bot, await create(client, bot))

    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))

    assert len(telegram.delivered()) == 100
    assert telegram.busiest_second() <= RATE  # how close to it we go: bench/broadcasts.py


async def test_a_429_holds_the_bot_for_retry_after_and_the_recipient_still_gets_it(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    crowd = await people(container, bot, 12)
    broadcast = await send_now(client, bot, await create(client, bot))
    telegram.throttle("sendMessage", times=1, retry_after=1)

    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
    throttled_at = next(t for t, _, s in telegram.arrivals if s != "ok")
    after = [t for t, _, s in telegram.arrivals if s == "ok" and t > throttled_at]
    assert after and min(after) - throttled_at >= 0.95  # nothing went out while held
    assert (await read(client, bot, broadcast))["progress"]["sent"] == 12


async def test_a_user_who_blocked_the_bot_is_unreachable_and_marked(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    crowd = await people(container, bot, 5)
    telegram.block(crowd[0].chat_id)
    broadcast = await send_now(client, bot, await create(client, bot))

    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))

    progress = (await read(client, bot, broadcast))["progress"]
    assert (progress["sent"], progress["unreachable"], progress["remaining"]) == (4, 1, 0)
    async with unit_of_work(container.sessions) as session:
        blocked_at = await session.scalar(
            select(TelegramUser.blocked_at).where(TelegramUser.telegram_user_id == crowd[0].chat_id)
        )
        log = list(
            await session.scalars(
                select(NotificationMessage).where(NotificationMessage.purpose == "broadcast")
            )
        )
    assert blocked_at == container.clock.now()
    statuses = Counter((m.channel, m.status) for m in log)
    assert statuses == {("telegram", "sent"): 4, ("telegram", "blocked"): 1}
    blocked = next(m for m in log if m.status == "blocked")
    assert blocked.customer_id == crowd[0].customer_id and "blocked" in blocked.error


async def test_a_server_error_is_retried_and_a_bad_request_fails_the_recipient(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    await people(container, bot, 3)
    broadcast = await send_now(client, bot, await create(client, bot))
    telegram.fail("sendMessage", times=1, code=500)
    telegram.fail("sendMessage", times=1, code=400, description="Bad Request: chat not found")

    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))

    progress = (await read(client, bot, broadcast))["progress"]
    assert (progress["sent"], progress["failed"]) == (2, 1)


async def test_two_workers_share_one_broadcast_each_recipient_exactly_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    crowd = await people(container, bot, 60)
    broadcast = await send_now(client, bot, await create(client, bot))
    gate = build_gate(redis_url=None, engine=container.engine)  # shared, as between processes
    first, second = engine(container, "w1", gate), engine(container, "w2", gate)

    broadcast_id = uuid.UUID(broadcast["id"])
    await asyncio.gather(first.deliver(broadcast_id), second.deliver(broadcast_id))

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
    assert telegram.busiest_second() <= RATE  # together, not each
    assert (await read(client, bot, broadcast))["progress"]["sent"] == 60


async def test_sends_a_stalled_event_loop_made_late_do_not_bunch_up_across_workers(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    """The event loop stops twice for 0.6 s (a long collection, a slow checkpoint) while two
    workers send: the sends whose slots went by meanwhile book new ones instead of all going
    at once when it wakes."""
    crowd = await people(container, bot, 60)
    broadcast = await send_now(client, bot, await create(client, bot))
    gate = build_gate(redis_url=None, engine=container.engine)
    first, second = engine(container, "w1", gate), engine(container, "w2", gate)

    async def stall() -> None:
        for _ in range(2):
            while len(telegram.delivered()) < 15:
                await asyncio.sleep(0.01)
            time.sleep(0.6)  # blocks the loop, as a long collection does
            await asyncio.sleep(0.7)

    stalling = asyncio.create_task(stall())
    broadcast_id = uuid.UUID(broadcast["id"])
    await asyncio.gather(first.deliver(broadcast_id), second.deliver(broadcast_id))
    await stalling

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
    assert telegram.busiest_second() <= RATE


async def test_a_stopped_worker_resumes_without_sending_anything_twice(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    crowd = await people(container, bot, 40)
    broadcast = await send_now(client, bot, await create(client, bot))
    broadcast_id = uuid.UUID(broadcast["id"])
    task = asyncio.create_task(engine(container, "w1").deliver(broadcast_id))
    while len(telegram.delivered()) < 15:
        await asyncio.sleep(0.01)
    task.cancel()  # a shutdown in the middle of a batch
    await asyncio.gather(task, return_exceptions=True)
    halfway = (await read(client, bot, broadcast))["progress"]
    assert 15 <= halfway["sent"] < 40 and halfway["sent"] == len(telegram.delivered())

    await engine(container, "w2").deliver(broadcast_id)

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)


async def test_a_crashed_workers_claims_wait_for_their_lease_and_only_they_repeat(
    client: AsyncClient,
    container: Container,
    bot: Connected,
    telegram: TimedTelegram,
    clock: FrozenClock,
) -> None:
    crowd = await people(container, bot, 20)
    broadcast = await send_now(client, bot, await create(client, bot))
    broadcast_id = uuid.UUID(broadcast["id"])
    async with unit_of_work(container.sessions) as session:  # a worker claims 5, then dies
        held = await RecipientRepository(session).claim(
            broadcast_id, worker="dead", now=clock.now(),
            until=clock.now() + engine(container, "x").lease, limit=5,
        )  # fmt: skip

    survivor = engine(container, "w2")
    step = "more"
    while step == "more":
        step = await survivor.step(broadcast_id)
    assert step == "wait" and len(telegram.delivered()) == 15  # the held five are not taken
    clock.advance(seconds=31)  # the lease (30 s) runs out
    await survivor.deliver(broadcast_id)

    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
    assert {c.chat_id for c in held} <= set(telegram.delivered())
    assert (await read(client, bot, broadcast))["status"] == "completed"


async def test_a_paid_broadcast_asks_for_paid_delivery_and_goes_faster(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    await people(container, bot, 60)
    broadcast = await send_now(client, bot, await create(client, bot, paid=True))

    await engine(container, "w1", MemoryGate()).deliver(uuid.UUID(broadcast["id"]))

    sent = telegram.sent()
    assert len(sent) == 60 and all(m.get("allow_paid_broadcast") in (True, "true") for m in sent)
    assert telegram.busiest_second() > RATE  # the paid cap (200/s here), not the free one


async def test_the_worker_loop_starts_and_finishes_a_broadcast_by_itself(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    from shopkeeper.notifications.broadcasts import broadcast_loop
    from shopkeeper.worker import background_loops

    assert broadcast_loop in background_loops()
    crowd = await people(container, bot, 5)
    broadcast = await send_now(client, bot, await create(client, bot))
    loop = asyncio.create_task(broadcast_loop(container, poll=0.05))
    try:
        for _ in range(200):
            if (await read(client, bot, broadcast))["status"] == "completed":
                break
            await asyncio.sleep(0.05)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)


async def test_a_bot_disconnected_mid_way_fails_the_broadcast_and_stops_it(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    await people(container, bot, 30)
    broadcast = await send_now(client, bot, await create(client, bot))
    worker = engine(container, "w1")
    assert await worker.step(uuid.UUID(broadcast["id"])) == "more"
    gone = await client.delete(bot.so.url(f"/{bot.id}"), headers=bot.so.owner.headers)
    assert gone.status_code == 204

    await worker.deliver(uuid.UUID(broadcast["id"]))

    failed = await read(client, bot, broadcast)
    assert failed["status"] == "failed" and "disconnected" in failed["error"]
    assert len(telegram.delivered()) == 10 and failed["progress"]["remaining"] == 0


async def test_during_a_long_429_hold_no_claim_is_kept_past_its_lease(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    from datetime import timedelta

    crowd = await people(container, bot, 6)
    broadcast = await send_now(client, bot, await create(client, bot))
    broadcast_id = uuid.UUID(broadcast["id"])
    telegram.throttle("sendMessage", times=1, retry_after=3)
    worker = engine(container, "w1")
    worker.lease = timedelta(seconds=4)  # shorter than twice the hold
    task = asyncio.create_task(worker.deliver(broadcast_id))
    await asyncio.sleep(1.5)  # held: nothing is claimed while waiting
    async with unit_of_work(container.sessions) as session:
        counts = await RecipientRepository(session).counts(broadcast_id)
    assert "claimed" not in counts and counts.get("pending", 0) >= 1

    await task
    assert sorted(telegram.delivered()) == sorted(p.chat_id for p in crowd)
