"""The stand-in's writes, applied just after the Bot API call that caused them was answered.

A bot calls the Bot API from inside its own database transaction (a handler answering
before its commit, an access strategy creating an invite link, a messenger sending). With
Telegram that is harmless; with a stand-in writing to the same SQLite file it would wait for
the caller's write lock while the caller waits for its answer. So a call computes its answer
from what it reads, queues what it changes here, and answers; a background task applies the
queue in order (one transaction per batch, a savepoint per write) and then starts the
follow-ups (updates Telegram would send because of the change, like `chat_member` after a
ban). `flush()` waits until everything queued so far, follow-ups included, is done.
Messages sent but not yet written stay findable in `recent` (an edit may follow at once).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

log = structlog.get_logger(__name__)

Write = Callable[[AsyncSession], Awaitable[None]]
FollowUp = Callable[[], Awaitable[None]]
MessageKey = tuple[Any, int, int]  # (playground bot id, chat id, message id)
CLOSE_TIMEOUT = 10.0


class Writer:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.recent: dict[MessageKey, dict[str, Any]] = {}
        self._queue: list[tuple[Write, FollowUp | None, MessageKey | None]] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._followups: set[asyncio.Task[None]] = set()

    def submit(
        self, write: Write, *, then: FollowUp | None = None, message: MessageKey | None = None
    ) -> None:
        """Queue a write (and what to do once it is committed)."""
        self._queue.append((write, then, message))
        self._idle.clear()
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def flush(self) -> None:
        """Wait until every queued write and every follow-up started by one is done."""
        while True:
            await self._idle.wait()
            pending = {task for task in self._followups if not task.done()}
            if not pending:
                if self._idle.is_set():
                    return
                continue
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), CLOSE_TIMEOUT)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._queue = self._queue, []
            if batch:
                await self._apply(batch)
            if not self._queue:
                self._idle.set()

    async def _apply(self, batch: list[tuple[Write, FollowUp | None, MessageKey | None]]) -> None:
        done: list[FollowUp] = []
        try:
            async with unit_of_work(self.container.sessions) as session:
                for write, then, _ in batch:
                    try:
                        async with session.begin_nested():
                            await write(session)
                    except Exception:
                        log.warning("telegram.playground_write_failed", exc_info=True)
                        continue
                    if then is not None:
                        done.append(then)
        except Exception:
            log.exception("telegram.playground_batch_failed", writes=len(batch))
            done = []
        finally:
            for _, _, key in batch:
                if key is not None:
                    self.recent.pop(key, None)
        for then in done:
            task = asyncio.get_running_loop().create_task(self._follow(then))
            self._followups.add(task)
            task.add_done_callback(self._followups.discard)

    async def _follow(self, then: FollowUp) -> None:
        try:
            await then()
        except Exception:
            log.exception("telegram.playground_followup_failed")
