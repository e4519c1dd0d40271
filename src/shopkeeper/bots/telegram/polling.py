"""Long polling for bots in "polling" mode (a machine with no public URL).

`polling_loop(container)` is a worker background loop. Every few seconds (or at once when a
bot is connected or removed in this process) it claims the polling bots whose lease is free
in the database, so that with several workers each bot has one poller, starts a getUpdates
loop per claimed bot and stops those no longer claimed. A failing Bot API call backs off and
tries again; an update whose processing fails is retried a few times, then skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta

import structlog
from aiogram.types import Update

from shopkeeper.bots.telegram.repository import BotRepository
from shopkeeper.bots.telegram.runtime import ALLOWED_UPDATES, BotEntry, TelegramRuntime
from shopkeeper.bots.telegram.runtime import telegram_runtime as runtime_of
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.ids import new_id

log = structlog.get_logger(__name__)

POLL_TIMEOUT = 25  # seconds a getUpdates call may wait for an update
DISCOVER_SECONDS = 10.0  # how often polling bots are (re)claimed
LEASE = timedelta(seconds=60)  # a poller that stopped renewing loses its bots after this
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0
UPDATE_ATTEMPTS = 3


def backoff(failures: int) -> float:
    return float(min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, failures - 1)))


async def polling_loop(container: Container) -> None:
    """The worker's loop: poll every claimed bot until cancelled."""
    await Poller(runtime_of(container)).run()


class Poller:
    def __init__(self, runtime: TelegramRuntime) -> None:
        self.runtime = runtime
        self.owner = new_id().hex
        self.tasks: dict[uuid.UUID, asyncio.Task[None]] = {}

    async def run(self) -> None:
        try:
            while True:
                self.runtime.changed.clear()
                await self.sync()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.runtime.changed.wait(), DISCOVER_SECONDS)
        finally:
            await self.stop()

    async def sync(self) -> None:
        """Claim the free polling bots; start a loop for each new one, stop the others."""
        try:
            wanted = set(await self._claim())
        except Exception:
            log.exception("telegram.polling_claim_failed")
            return
        for bot_id, task in list(self.tasks.items()):
            if bot_id not in wanted or task.done():
                task.cancel()
                del self.tasks[bot_id]
        for bot_id in wanted - set(self.tasks):
            self.tasks[bot_id] = asyncio.create_task(self._poll(bot_id))

    async def _claim(self) -> list[uuid.UUID]:
        container = self.runtime.container
        now = container.clock.now()
        async with unit_of_work(container.sessions) as session:
            return await BotRepository(session).claim_polling(
                self.owner, now=now, until=now + LEASE
            )

    async def stop(self) -> None:
        tasks, self.tasks = list(self.tasks.values()), {}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            async with unit_of_work(self.runtime.container.sessions) as session:
                await BotRepository(session).release_polling(self.owner)
        except Exception:  # the leases run out by themselves
            log.warning("telegram.polling_release_failed", exc_info=True)

    async def _poll(self, bot_id: uuid.UUID) -> None:
        """getUpdates in a loop for one bot, until it is disconnected or the task cancelled."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                entry = await self.runtime.entry(bot_id)
                if entry is None:
                    return
                updates = await self.runtime.bot(entry).get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES,
                    request_timeout=POLL_TIMEOUT + 10,
                )  # fmt: skip
            except Exception as exc:
                failures += 1
                log.warning("telegram.get_updates_failed", bot_id=str(bot_id), error=repr(exc))
                await asyncio.sleep(backoff(failures))
                continue
            failures = 0
            offset = await self._process(entry, updates, offset)

    async def _process(
        self, entry: BotEntry, updates: list[Update], offset: int | None
    ) -> int | None:
        """Feed updates in order (a failing one is retried, then skipped); the next offset."""
        for update in updates:
            for attempt in range(1, UPDATE_ATTEMPTS + 1):
                try:
                    await self.runtime.feed(entry, update)
                    break
                except Exception:
                    log.exception(
                        "telegram.update_failed", bot_id=str(entry.id),
                        update=update.update_id, attempt=attempt,
                    )  # fmt: skip
                    if attempt < UPDATE_ATTEMPTS:
                        await asyncio.sleep(backoff(attempt))
            offset = update.update_id + 1
        return offset
