"""A customer's "my channels" in one bot: each chat they hold, and how to get in now.

Open grants are retried first (the person is talking to the bot, so a link can reach them).
A granted chat the bot has seen them join says so; otherwise a fresh link is made for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access
from shopkeeper.bots.telegram.channels import chat_ops
from shopkeeper.bots.telegram.channels.repository import PRESENT, ChatRepository, MemberRepository
from shopkeeper.bots.telegram.chat_models import TelegramChat
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.runtime import BotEntry, telegram_runtime
from shopkeeper.container import Container

log = structlog.get_logger(__name__)
LineState = Literal["member", "join", "action_required", "pending", "unavailable"]


@dataclass(frozen=True)
class ChannelLine:
    title: str
    state: LineState
    mode: str = "invite_link"
    url: str | None = None
    reason: str = ""


async def my_channels(
    session: AsyncSession, container: Container, entry: BotEntry, person: TelegramUser,
    now: datetime,
) -> list[ChannelLine]:  # fmt: skip
    """The person's grants on this bot's chats, in title order, with what to do for each."""
    chats = {c.target_id: c for c in await ChatRepository(session).of_bot(entry.shop_id, entry.id)}
    if not chats:
        return []
    try:  # a Telegram failure here must not cost the person their answer
        async with session.begin_nested():
            await access.resume_for_customer(
                session, container, shop_id=entry.shop_id, customer_id=person.customer_id, now=now
            )
    except TelegramAPIError as exc:
        log.warning("telegram.resume_failed", error=exc.message)
    grants = await access.customer_grants(
        session, shop_id=entry.shop_id, customer_id=person.customer_id
    )
    lines = []
    for grant in sorted(grants, key=lambda g: g.title.lower()):
        chat = chats.get(grant.target_id)
        if chat is None:
            continue
        if grant.state == "action_required":
            lines.append(ChannelLine(grant.title, "action_required", reason=grant.reason))
        elif grant.state != "granted":
            lines.append(ChannelLine(grant.title, "pending"))
        elif await MemberRepository(session).status(chat, person.telegram_user_id) in PRESENT:
            lines.append(ChannelLine(grant.title, "member"))
        else:
            bot = telegram_runtime(container).bot(entry)
            lines.append(await _join_line(bot, grant.title, chat, grant.grant_id, now))
    return lines


async def _join_line(
    bot: Bot, title: str, chat: TelegramChat, grant_id: uuid.UUID, now: datetime
) -> ChannelLine:
    """A fresh link to the chat, or why there is none right now."""
    try:
        url = await chat_ops.fresh_link(bot, chat, grant_id=grant_id, now=now)
    except TelegramAPIError as exc:
        log.warning("telegram.invite_failed", chat=chat.chat_id, error=exc.message)
        return ChannelLine(title, "unavailable", mode=chat.mode)
    return ChannelLine(title, "join", mode=chat.mode, url=url)
