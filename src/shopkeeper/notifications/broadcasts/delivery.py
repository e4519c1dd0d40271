"""The broadcast engine: claim a batch of recipients with a lease, send each in its slot,
record the batch. Any number of processes run it on one broadcast at once.

Exactly once: a recipient is claimed by one worker at a time (a conditional UPDATE; FOR
UPDATE SKIP LOCKED on PostgreSQL) and settled only by the claim's holder. A stopped engine
(cancelled task: shutdown) records what it sent and puts the rest back; a crashed one leaves
its claim until the lease runs out, so only its in-flight batch (half a second of sending)
may be repeated. Rate: slots come from the shared `SlotGate` per bot, WINDOW / `rate` apart
(`broadcast_rate_per_second`, or `broadcast_paid_rate_per_second` for a paid broadcast), and a
send goes only within LATE of its slot: one that a busy event loop (a garbage collection, a
checkpoint) made later gives its slot up and books a new one, so late sends never bunch up,
in one process or across several. The sends of any second then used slots of at most
1 + LATE seconds, at most `rate` (WINDOW is a second and 80 ms: LATE and the network's
jitter), and the rate held is `rate` / WINDOW. A 429 holds the bot's slots for its
retry_after and puts the recipient back; a 403 makes the recipient unreachable and marks the
Telegram user blocked.
"""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import structlog

from shopkeeper.db import unit_of_work
from shopkeeper.kit.ids import new_id
from shopkeeper.notifications.broadcasts.limiter import SlotGate, build_gate
from shopkeeper.notifications.broadcasts.models import Broadcast
from shopkeeper.notifications.broadcasts.ports import (
    BroadcastChannel,
    Post,
    SendResult,
    channel_for,
)
from shopkeeper.notifications.broadcasts.repository import (
    BroadcastRepository,
    Claimed,
    RecipientRepository,
    log_messages,
)

log = structlog.get_logger(__name__)

WINDOW = 1.08  # seconds the slots of `rate` sends span: a second, LATE and the network's jitter
LATE = 0.04  # a send this much later than its slot gives it up and books another
IN_FLIGHT = 64  # requests at once per process: fewer than aiohttp's pool of 100 connections
SEND_GRACE = 10.0  # seconds a stop waits for requests already on their way to Telegram
MAX_ATTEMPTS = 3  # sends of one recipient that fail on our side (network, 5xx) before giving up
ENGINE_EXTRA = "notifications.broadcast_engine"
Step = Literal["more", "wait", "done"]


@dataclass(frozen=True)
class Outcome:
    claimed: Claimed
    result: SendResult


class BroadcastEngine:
    def __init__(self, container: Any, *, worker: str | None = None, gate: SlotGate | None = None):
        self.container = container
        settings = container.settings
        self.worker = worker or f"{socket.gethostname()[:32]}:{os.getpid()}:{new_id().hex[-6:]}"
        self.gate = gate or build_gate(redis_url=settings.redis_url, engine=container.engine)
        self.lease = timedelta(seconds=settings.broadcast_lease_seconds)
        self._held: dict[str, float] = {}  # per bot: no sends before (a 429 seen here)
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)
        self._sending: set[asyncio.Task[Any]] = set()  # tasks whose request is on its way

    def rate(self, paid: bool) -> float:
        s = self.container.settings
        return float(s.broadcast_paid_rate_per_second if paid else s.broadcast_rate_per_second)

    def gap(self, paid: bool) -> float:
        """Seconds between two slots of a bot: `rate` of them span WINDOW."""
        return WINDOW / self.rate(paid)

    @property
    def channel(self) -> BroadcastChannel:
        return channel_for(self.container)

    async def deliver(self, broadcast_id: uuid.UUID, *, idle: float = 0.5) -> None:
        """Send until no recipient is left or the broadcast is no longer `sending`; a paid
        broadcast runs a few batches at once, so one's bookkeeping overlaps another's sends."""
        async with unit_of_work(self.container.sessions) as session:
            row = await BroadcastRepository(session).by_id(broadcast_id)
            lanes = self.lanes(bool(row and row.paid))
        await asyncio.gather(*(self._lane(broadcast_id, idle) for _ in range(lanes)))

    async def _lane(self, broadcast_id: uuid.UUID, idle: float) -> None:
        while (step := await self.step(broadcast_id)) != "done":
            if step == "wait":  # others hold the last claims: see whether their lease ends
                await asyncio.sleep(idle)

    def lanes(self, paid: bool) -> int:
        """Batches in flight: one at the free rate; up to four at a paid rate's hundreds/s."""
        return max(1, min(4, int(self.rate(paid) // 100)))

    async def step(self, broadcast_id: uuid.UUID) -> Step:
        """One batch: claim, send, record."""
        now = self.container.clock.now()
        async with unit_of_work(self.container.sessions) as session:
            row = await BroadcastRepository(session).by_id(broadcast_id)
            if row is None or row.status != "sending" or row.bot_id is None:
                return "done"
            if row.bot_id not in await self.channel.bots(session, row.shop_id):
                await BroadcastRepository(session).move(
                    broadcast_id, before=("sending",), status="failed", finished_at=now,
                    updated_at=now, error="The bot was disconnected while sending",
                )  # fmt: skip
                return "done"
            post = _post(row)
            recipients = RecipientRepository(session)
            claimed = await recipients.claim(
                broadcast_id, worker=self.worker, now=now, until=now + self.lease,
                limit=self.batch_size(post.paid),
            )  # fmt: skip
            if not claimed:
                if await recipients.open_count(broadcast_id):
                    return "wait"
                await BroadcastRepository(session).move(
                    broadcast_id, before=("sending",), status="completed", finished_at=now,
                    updated_at=now,
                )  # fmt: skip
                return "done"
            shop_id = row.shop_id
        outcomes = await self._send_batch(post, claimed, shop_id, broadcast_id)
        await self._record(broadcast_id, shop_id, post, outcomes)
        return "more"

    def batch_size(self, paid: bool) -> int:
        """Half a second of sending: what a crash may repeat."""
        return max(1, min(100, int(self.rate(paid) / 2)))

    async def _send_batch(
        self, post: Post, claimed: list[Claimed], shop_id: uuid.UUID, broadcast_id: uuid.UUID
    ) -> list[Outcome]:
        key, gap = str(post.bot_id), self.gap(post.paid)
        delay = await self.gate.reserve(key, len(claimed), gap)
        start = time.monotonic() + delay
        if delay > self.lease.total_seconds() / 2:  # a long 429 hold: a claim
            await self._record(broadcast_id, shop_id, post, [], release=claimed)  # must not
            await asyncio.sleep(delay)  # outlive its lease while it waits, or two would send
            return []
        tasks = [
            asyncio.create_task(self._send_one(post, c, start + i * gap))
            for i, c in enumerate(claimed)
        ]
        try:
            await asyncio.wait(tasks)  # unlike gather, a stop does not cancel them all at once
            return [task.result() for task in tasks]
        except asyncio.CancelledError:  # shutting down: keep what was sent, free the rest
            await asyncio.shield(self._stop_batch(tasks))
            done = [t.result() for t in tasks
                    if t.done() and not t.cancelled() and t.exception() is None]  # fmt: skip
            await asyncio.shield(self._record(broadcast_id, shop_id, post, done, release=claimed))
            raise

    async def _stop_batch(self, tasks: list[asyncio.Task[Outcome]]) -> None:
        """Sends still waiting for their slot are dropped; a request already on its way is
        awaited (a while): Telegram may have delivered it, and only its answer says so — put
        back unanswered, the next worker would send that message a second time."""
        sending = [task for task in tasks if task in self._sending and not task.done()]
        for task in tasks:
            if task not in sending:
                task.cancel()
        if sending:
            await asyncio.wait(sending, timeout=SEND_GRACE)
        for task in sending:
            task.cancel()  # no answer in time: its recipient is put back

    async def _send_one(self, post: Post, claimed: Claimed, at: float) -> Outcome:
        key = str(post.bot_id)
        while (result := await self._send_in_slot(post, claimed.chat_id, at)) is None:
            at = time.monotonic() + await self.gate.reserve(key, 1, self.gap(post.paid))
        if result.outcome == "retry" and result.retry_after:
            until = time.monotonic() + result.retry_after
            self._held[key] = max(self._held.get(key, 0.0), until)
            await self.gate.hold(key, result.retry_after)
            log.info("broadcast.throttled", bot_id=key, retry_after=result.retry_after)
        return Outcome(claimed, result)

    async def _send_in_slot(self, post: Post, chat_id: int, at: float) -> SendResult | None:
        """Send in the slot at `at` (monotonic), or None when woken more than LATE after it:
        the caller books another rather than bunch this send up with the next ones."""
        if (delay := at - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        async with self._in_flight:  # a request never waits in the HTTP pool after its slot
            if time.monotonic() - at > LATE:
                return None
            key = str(post.bot_id)
            if (wait := self._held.get(key, 0.0) - time.monotonic()) > 0:  # back, no attempt
                return SendResult("retry", error="held by a 429", retry_after=wait)
            task = asyncio.current_task()
            assert task is not None
            self._sending.add(task)
            try:
                return await self.channel.send(post, chat_id)
            finally:
                self._sending.discard(task)

    async def _record(
        self, broadcast_id: uuid.UUID, shop_id: uuid.UUID, post: Post,
        outcomes: list[Outcome], *, release: list[Claimed] | None = None,
    ) -> None:  # fmt: skip
        """One transaction: outcomes (and, on a stop, the unsent put back), counts, the log."""
        now = self.container.clock.now()
        settled = {o.claimed.customer_id for o in outcomes}
        rows = [_settlement(o, now) for o in outcomes]
        rows += [_put_back(c) for c in release or [] if c.customer_id not in settled]
        async with unit_of_work(self.container.sessions) as session:
            mine = await RecipientRepository(session).settle_many(
                broadcast_id, worker=self.worker, outcomes=rows
            )
            counts = {"sent": 0, "failed": 0, "unreachable": 0}
            logged: list[dict[str, Any]] = []
            for outcome, row in zip(outcomes, rows, strict=False):
                status = row["status"]
                if outcome.claimed.customer_id not in mine or status == "pending":
                    continue
                counts[status] += 1
                logged.append(_log_row(shop_id, broadcast_id, post, outcome, status, now))
                if status == "unreachable":
                    await self.channel.mark_unreachable(
                        session, bot_id=post.bot_id, chat_id=outcome.claimed.chat_id, now=now
                    )
            await log_messages(session, logged)
            await BroadcastRepository(session).count_up(broadcast_id, **counts)


def _settlement(outcome: Outcome, now: Any) -> dict[str, Any]:
    result, attempts = outcome.result, outcome.claimed.attempts
    row = {"customer_id": outcome.claimed.customer_id, "error": result.error[:500],
           "attempts": attempts + 1, "sent_at": None, "message_id": None}  # fmt: skip
    if result.outcome == "sent":
        return {**row, "status": "sent", "error": "", "sent_at": now,
                "message_id": result.message_id}  # fmt: skip
    if result.outcome == "retry":
        if result.retry_after:  # Telegram's pace, not the recipient's fault: no attempt used
            return {**row, "status": "pending", "attempts": attempts}
        return {**row, "status": "pending" if attempts + 1 < MAX_ATTEMPTS else "failed"}
    return {**row, "status": result.outcome}


def _put_back(claimed: Claimed) -> dict[str, Any]:
    return {"customer_id": claimed.customer_id, "status": "pending", "error": "",
            "attempts": claimed.attempts, "sent_at": None, "message_id": None}  # fmt: skip


_LOG_STATUS = {"sent": "sent", "unreachable": "blocked", "failed": "failed"}


def _log_row(
    shop_id: uuid.UUID, broadcast_id: uuid.UUID, post: Post, outcome: Outcome, status: str,
    now: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": new_id(), "shop_id": shop_id, "customer_id": outcome.claimed.customer_id,
        "user_id": None, "channel": "telegram", "purpose": "broadcast", "language": "",
        "body": post.text, "status": _LOG_STATUS[status], "error": outcome.result.error[:500],
        "dedupe_key": f"broadcast:{broadcast_id}:{outcome.claimed.customer_id}",
        "created_at": now, "sent_at": now if status == "sent" else None,
    }  # fmt: skip


def _post(row: Broadcast) -> Post:
    assert row.bot_id is not None
    buttons = tuple((b["text"], b["url"]) for b in row.buttons)
    return Post(bot_id=row.bot_id, text=row.text, image_url=row.image_url, buttons=buttons,
                paid=row.paid)  # fmt: skip


def broadcast_engine(container: Any) -> BroadcastEngine:
    """The process's engine, built on first use and closed with the container.

    Building it also freezes the heap the process built so far (modules, metadata, caches:
    `gc.freeze`, undone on close): a full garbage collection in the middle of a broadcast
    then scans only what sending makes. Scanning all of it held up every send for ~0.3 s,
    two or three times per 10,000 paid sends, and cost their slots (bench/broadcasts.py)."""
    engine = container.extras.get(ENGINE_EXTRA)
    if engine is None:
        engine = container.extras[ENGINE_EXTRA] = BroadcastEngine(container)
        container.closers.append(engine.gate.close)
        gc.collect()  # what is garbage now is not kept for good
        gc.freeze()
        container.closers.append(_unfreeze)
    assert isinstance(engine, BroadcastEngine)
    return engine


async def _unfreeze() -> None:
    gc.unfreeze()
