"""What happens in a registered chat: join requests decided, joins and leaves recorded.

Each runs in the update's unit of work. A join request is approved only for someone whose
customer is entitled to the chat's access target, declined otherwise; both are logged. Joins
and leaves are remembered per person (`telegram_chat_member`) for the reconciliation and
logged; the bot's own removals were logged when it made them. The bot's rights in the chat
are updated whenever Telegram says they changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from aiogram import Bot
from aiogram.types import ResultChatMemberUnion
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access
from shopkeeper.access import Platform
from shopkeeper.bots.telegram.channels.chat_ops import PERMANENT
from shopkeeper.bots.telegram.channels.repository import (
    ChatRepository,
    MemberRepository,
    PeopleRepository,
)
from shopkeeper.bots.telegram.channels.rights import is_member, problems_of, status_of
from shopkeeper.bots.telegram.channels.service import record_rights
from shopkeeper.bots.telegram.runtime import BotEntry
from shopkeeper.container import Container

log = structlog.get_logger(__name__)


async def _customer(
    session: AsyncSession, shop_id: uuid.UUID, telegram_user_id: int
) -> uuid.UUID | None:
    return (await PeopleRepository(session).customers_of(shop_id, [telegram_user_id])).get(
        telegram_user_id
    )


async def decide_join_request(
    session: AsyncSession, bot: Bot, entry: BotEntry, *, chat_id: int, telegram_user_id: int,
    now: datetime,
) -> bool | None:  # fmt: skip
    """Approve a requester entitled to the chat, decline anyone else; None: not our chat."""
    chat = await ChatRepository(session).managed_by(entry.shop_id, entry.id, chat_id)
    if chat is None:
        return None
    customer_id = await _customer(session, chat.shop_id, telegram_user_id)
    entitled = customer_id is not None and await access.has_active_grant(
        session, shop_id=chat.shop_id, target_id=chat.target_id, customer_id=customer_id
    )
    try:
        if entitled:
            await bot.approve_chat_join_request(chat_id=chat_id, user_id=telegram_user_id)
        else:
            await bot.decline_chat_join_request(chat_id=chat_id, user_id=telegram_user_id)
    except PERMANENT as exc:  # already handled by an admin, or rights lost
        log.warning("telegram.join_request_failed", chat=chat_id, error=exc.message)
        return None
    if entitled:
        await MemberRepository(session).record(
            chat, telegram_user_id, status="member", customer_id=customer_id, now=now
        )
    detail = "active grant" if entitled else "no active grant"
    await access.log_membership(
        session, shop_id=chat.shop_id, target_id=chat.target_id, customer_id=customer_id,
        action="approve" if entitled else "decline",
        detail=f"{detail} (Telegram user {telegram_user_id})", now=now,
    )  # fmt: skip
    return entitled


async def record_member_change(
    session: AsyncSession, entry: BotEntry, *, chat_id: int, telegram_user_id: int,
    old: ResultChatMemberUnion, new: ResultChatMemberUnion, by_bot: bool, now: datetime,
) -> None:  # fmt: skip
    """Remember the person's status; log a join or a leave (the bot's own removals excepted)."""
    chat = await ChatRepository(session).managed_by(entry.shop_id, entry.id, chat_id)
    if chat is None or telegram_user_id == entry.telegram_bot_id:
        return
    customer_id = await _customer(session, chat.shop_id, telegram_user_id)
    await MemberRepository(session).record(
        chat, telegram_user_id, status=status_of(new), customer_id=customer_id, now=now
    )
    was_in, is_in = is_member(old), is_member(new)
    if was_in == is_in or (by_bot and not is_in):
        return
    how = "joined" if is_in else ("removed by an admin" if status_of(new) == "kicked" else "left")
    await access.log_membership(
        session, shop_id=chat.shop_id, target_id=chat.target_id, customer_id=customer_id,
        action="join" if is_in else "leave", detail=f"Telegram user {telegram_user_id} {how}",
        now=now,
    )  # fmt: skip


async def record_bot_standing(
    session: AsyncSession, container: Container, entry: BotEntry, *, chat_id: int,
    new: ResultChatMemberUnion, now: datetime,
) -> None:  # fmt: skip
    """The bot was promoted, demoted or removed: its rights now; grants retried when fixed."""
    chat = await ChatRepository(session).managed_by(entry.shop_id, entry.id, chat_id)
    if chat is None:
        return
    was_ok = chat.rights_ok
    record_rights(chat, problems_of(new), now)
    log.info("telegram.chat_rights_changed", chat=chat_id, ok=chat.rights_ok)
    if chat.rights_ok and not was_ok:
        await access.resume_for_platform(
            session, container, shop_id=chat.shop_id, platform=Platform.TELEGRAM_CHAT, now=now
        )
