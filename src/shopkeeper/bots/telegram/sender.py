"""Sending a message to a bot's user within Telegram's limits, never raising for their side.

`TelegramSender(container).send_text(bot_id=..., chat_id=..., text=..., buttons=...)` waits
for a slot (30 messages/s per bot, 1/s per chat, in process), retries a 429 after Telegram's
`retry_after` a bounded number of times, marks a user who blocked the bot unreachable
(telegram_user.blocked_at) and says so, and returns a `SendResult` in every case.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import structlog
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.repository import UserRepository
from shopkeeper.bots.telegram.runtime import BotEntry, TelegramRuntime, telegram_runtime
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 3  # sends of one message when Telegram keeps answering 429
MAX_RETRY_AFTER = 60  # seconds; a longer wait is the caller's to schedule, not ours to sleep
SendStatus = Literal["delivered", "blocked", "failed"]


@dataclass(frozen=True)
class Button:
    """An inline button: a callback (`data`) or a link (`url`)."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    message_id: int | None = None
    error: str | None = None
    retry_after: int | None = None  # set when Telegram still said 429 and we gave up

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"


def keyboard(buttons: Sequence[Sequence[Button]] | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(text=b.text, callback_data=b.data, url=b.url) for b in row]
        for row in buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class TelegramSender:
    def __init__(self, container: Container, *, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.container = container
        self.runtime: TelegramRuntime = telegram_runtime(container)
        self.max_attempts = max_attempts

    async def send_text(
        self,
        *,
        bot_id: uuid.UUID,
        chat_id: int,
        text: str,
        buttons: Sequence[Sequence[Button]] | None = None,
        session: AsyncSession | None = None,
    ) -> SendResult:
        """Send `text`; a blocked user is marked in `session` (or in a unit of its own)."""
        entry = await self.runtime.entry(bot_id)
        if entry is None:
            return SendResult("failed", error="The bot is not connected")
        markup = keyboard(buttons)
        for attempt in range(1, self.max_attempts + 1):
            await self.runtime.limiter.wait(entry.id, chat_id)
            try:
                message = await self.runtime.bot(entry).send_message(
                    chat_id=chat_id, text=text, reply_markup=markup
                )
                return SendResult("delivered", message_id=message.message_id)
            except TelegramRetryAfter as exc:
                if attempt == self.max_attempts or exc.retry_after > MAX_RETRY_AFTER:
                    return SendResult("failed", error=exc.message, retry_after=exc.retry_after)
                log.info("telegram.send_throttled", bot_id=str(bot_id), wait=exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except TelegramForbiddenError as exc:
                await self._mark_blocked(entry, chat_id, session)
                return SendResult("blocked", error=exc.message)
            except TelegramAPIError as exc:
                return SendResult("failed", error=f"{type(exc).__name__}: {exc.message}")
        raise AssertionError("unreachable")  # pragma: no cover

    async def _mark_blocked(
        self, entry: BotEntry, chat_id: int, session: AsyncSession | None
    ) -> None:
        now = self.container.clock.now()
        if session is not None:
            await UserRepository(session).mark_blocked(entry.id, chat_id, now)
            return
        async with unit_of_work(self.container.sessions) as own:
            await UserRepository(own).mark_blocked(entry.id, chat_id, now)
