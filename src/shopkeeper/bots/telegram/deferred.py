"""Work a handler leaves for after its update's transaction has committed.

A handler runs inside the update's unit of work; a slow outside call (a payment gateway)
must not hold that transaction open. The handler returns `AfterCommit(work)` instead of a
Bot API method: the runtime commits, awaits `work()` and sends the method it returns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram.methods import TelegramMethod

Work = Callable[[], Awaitable[TelegramMethod[Any] | None]]


@dataclass(frozen=True)
class AfterCommit:
    """Run `work` once the update committed; it returns the answer to send (or None)."""

    work: Work

    async def run(self) -> TelegramMethod[Any] | None:
        return await self.work()
