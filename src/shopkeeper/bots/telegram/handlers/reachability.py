"""The user blocked or unblocked the bot (my_chat_member in their private chat)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from shopkeeper.bots.telegram.filters import private_membership
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.service import users


def router() -> Router:
    router = Router(name="reachability")
    router.my_chat_member.register(on_my_chat_member, private_membership)
    return router


async def on_my_chat_member(
    update: ChatMemberUpdated, telegram_user: TelegramUser | None, now: datetime
) -> None:
    if telegram_user is None:
        return
    status = update.new_chat_member.status
    users.set_reachable(telegram_user, status != ChatMemberStatus.KICKED, now=now)
