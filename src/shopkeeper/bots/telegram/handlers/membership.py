"""Updates about the shop's registered chats: join requests, members coming and going, and
the bot's own standing there (my_chat_member outside private chats)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, Router
from aiogram.types import ChatJoinRequest, ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels import membership
from shopkeeper.bots.telegram.filters import group_chat
from shopkeeper.bots.telegram.runtime import BotEntry
from shopkeeper.container import Container


def router() -> Router:
    router = Router(name="membership")
    router.chat_join_request.register(on_join_request)
    router.chat_member.register(on_chat_member)
    router.my_chat_member.register(on_bot_standing, group_chat)
    return router


async def on_join_request(
    request: ChatJoinRequest, bot: Bot, bot_entry: BotEntry, session: AsyncSession,
    now: datetime,
) -> None:  # fmt: skip
    await membership.decide_join_request(
        session, bot, bot_entry, chat_id=request.chat.id, telegram_user_id=request.from_user.id,
        now=now,
    )  # fmt: skip


async def on_chat_member(
    update: ChatMemberUpdated, bot_entry: BotEntry, session: AsyncSession, now: datetime
) -> None:
    await membership.record_member_change(
        session, bot_entry, chat_id=update.chat.id,
        telegram_user_id=update.new_chat_member.user.id, old=update.old_chat_member,
        new=update.new_chat_member, by_bot=update.from_user.id == bot_entry.telegram_bot_id,
        now=now,
    )  # fmt: skip


async def on_bot_standing(
    update: ChatMemberUpdated, bot_entry: BotEntry, session: AsyncSession,
    container: Container, now: datetime,
) -> None:  # fmt: skip
    await membership.record_bot_standing(
        session, container, bot_entry, chat_id=update.chat.id, new=update.new_chat_member,
        now=now,
    )  # fmt: skip
