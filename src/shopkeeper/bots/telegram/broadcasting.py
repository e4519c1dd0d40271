"""Broadcasts on Telegram: the bot's people, one send call each, blocked users marked.

Implements `notifications.broadcasts.BroadcastChannel`; the broadcast engine keeps the rate
(its shared slot gate), so this sends at once: `sendMessage` (or `sendPhoto` with the text as
caption) in HTML, link buttons, `allow_paid_broadcast` for a paid broadcast. A 429 comes back
as "retry" with Telegram's retry_after, a 403 as "unreachable", a network or server error as
"retry" without a wait, anything else as "failed".
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.models import TelegramBot, TelegramUser
from shopkeeper.bots.telegram.repository import UserRepository
from shopkeeper.bots.telegram.runtime import telegram_runtime
from shopkeeper.container import Container
from shopkeeper.notifications.broadcasts import Chat, Post, SendResult, register_channel

CHUNK = 2000


class TelegramBroadcastChannel:
    channel = "telegram"

    def __init__(self, container: Container) -> None:
        self.container = container

    async def bots(self, session: AsyncSession, shop_id: uuid.UUID) -> list[uuid.UUID]:
        query = (
            select(TelegramBot.id)
            .where(TelegramBot.shop_id == shop_id, TelegramBot.active.is_(True))
            .order_by(TelegramBot.created_at, TelegramBot.id)
        )
        return list(await session.scalars(query))

    async def chats(
        self, session: AsyncSession, *, shop_id: uuid.UUID, bot_id: uuid.UUID
    ) -> AsyncIterator[list[Chat]]:
        """Everyone who started the bot and has not blocked it, in id order (keyset pages)."""
        after: uuid.UUID | None = None
        while True:
            query = (
                select(TelegramUser.id, TelegramUser.customer_id, TelegramUser.telegram_user_id)
                .where(
                    TelegramUser.shop_id == shop_id,
                    TelegramUser.bot_id == bot_id,
                    TelegramUser.blocked_at.is_(None),
                    TelegramUser.started_at.is_not(None),
                )
                .order_by(TelegramUser.id)
                .limit(CHUNK)
            )
            if after is not None:
                query = query.where(TelegramUser.id > after)
            rows = (await session.execute(query)).all()
            if not rows:
                return
            after = rows[-1][0]
            yield [Chat(customer_id=row[1], chat_id=row[2]) for row in rows]

    async def send(self, post: Post, chat_id: int) -> SendResult:
        runtime = telegram_runtime(self.container)
        entry = await runtime.entry(post.bot_id)
        if entry is None:
            return SendResult("failed", error="The bot is not connected")
        bot = runtime.bot(entry)
        extra: dict[str, Any] = {"parse_mode": "HTML", "reply_markup": _markup(post)}
        if post.paid:
            extra["allow_paid_broadcast"] = True
        try:
            if post.image_url:
                message = await bot.send_photo(
                    chat_id=chat_id, photo=post.image_url, caption=post.text, **extra
                )
            else:
                message = await bot.send_message(chat_id=chat_id, text=post.text, **extra)
        except TelegramRetryAfter as exc:
            return SendResult("retry", error=exc.message, retry_after=float(exc.retry_after))
        except TelegramForbiddenError as exc:
            return SendResult("unreachable", error=exc.message)
        except (TelegramNetworkError, TelegramServerError) as exc:
            return SendResult("retry", error=f"{type(exc).__name__}: {exc.message}")
        except TelegramAPIError as exc:
            return SendResult("failed", error=f"{type(exc).__name__}: {exc.message}")
        return SendResult("sent", message_id=message.message_id)

    async def mark_unreachable(
        self, session: AsyncSession, *, bot_id: uuid.UUID, chat_id: int, now: datetime
    ) -> None:
        await UserRepository(session).mark_blocked(bot_id, chat_id, now)


def _markup(post: Post) -> InlineKeyboardMarkup | None:
    if not post.buttons:
        return None
    rows = [[InlineKeyboardButton(text=text, url=url)] for text, url in post.buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def bind(container: Container) -> None:
    """Make Telegram the channel broadcasts are delivered through."""
    register_channel(container, TelegramBroadcastChannel(container))
