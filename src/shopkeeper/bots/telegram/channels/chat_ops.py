"""Bot API calls on a registered chat: fresh invite links, who is in it, removing someone.

Failures are sorted in two: `PERMANENT` (the bot lacks rights, the chat or user is gone:
retrying will not help) and the rest (429, 5xx, network), which callers let propagate so the
bus or the scheduler tries again later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.types import ResultChatMemberUnion

from shopkeeper.bots.telegram.channels.rights import is_admin, status_of
from shopkeeper.bots.telegram.chat_models import TelegramChat
from shopkeeper.bots.telegram.runtime import BotEntry, telegram_runtime
from shopkeeper.container import Container

PERMANENT = (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)


@dataclass(frozen=True)
class ChatBot:
    """The live bot that manages a chat, and its client."""

    entry: BotEntry
    bot: Bot


async def chat_bot(container: Container, chat: TelegramChat) -> ChatBot | None:
    """The chat's bot when it is still connected to the chat's shop."""
    runtime = telegram_runtime(container)
    entry = await runtime.entry(chat.bot_id)
    if entry is None or entry.shop_id != chat.shop_id:
        return None
    return ChatBot(entry, runtime.bot(entry))


async def fresh_link(bot: Bot, chat: TelegramChat, *, grant_id: uuid.UUID, now: datetime) -> str:
    """A new link for one person: single use (invite_link) or needing approval (join_request)."""
    expires = int((now + timedelta(seconds=chat.invite_ttl_seconds)).timestamp())
    name = f"grant {grant_id.hex[:12]}"
    if chat.mode == "join_request":
        link = await bot.create_chat_invite_link(
            chat_id=chat.chat_id, name=name, expire_date=expires, creates_join_request=True
        )
    else:
        link = await bot.create_chat_invite_link(
            chat_id=chat.chat_id, name=name, expire_date=expires, member_limit=1
        )
    return link.invite_link


async def member(bot: Bot, chat: TelegramChat, telegram_user_id: int) -> ResultChatMemberUnion:
    return await bot.get_chat_member(chat_id=chat.chat_id, user_id=telegram_user_id)


@dataclass(frozen=True)
class Removal:
    removed: bool
    status: str  # the person's status in the chat afterwards


async def remove(bot: Bot, chat: TelegramChat, telegram_user_id: int) -> Removal:
    """Ban then unban (only if banned), so they may come back after paying; admins stay, and
    someone not in the chat is left alone."""
    current = await member(bot, chat, telegram_user_id)
    if is_admin(current) or status_of(current) in ("left", "kicked"):
        return Removal(False, status_of(current))
    await bot.ban_chat_member(chat_id=chat.chat_id, user_id=telegram_user_id)
    await bot.unban_chat_member(chat_id=chat.chat_id, user_id=telegram_user_id, only_if_banned=True)
    return Removal(True, "left")


async def revoke_link(bot: Bot, chat: TelegramChat, invite_link: str) -> None:
    """Make an unused link useless (best effort: an expired or used one is fine)."""
    try:
        await bot.revoke_chat_invite_link(chat_id=chat.chat_id, invite_link=invite_link)
    except PERMANENT:
        return
