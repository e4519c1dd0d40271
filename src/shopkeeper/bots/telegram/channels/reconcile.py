"""The periodic reconciliation: members the bot has seen in a chat versus active grants.

Someone seen as a member whose customer holds no active grant for the chat (a leaked or
forwarded link, a join the bot did not decide) is removed with ban + unban and the removal
logged; admins, the owner and everyone entitled stay. A chat whose bot cannot act (rights
lost, Telegram down) is skipped this round and tried again the next.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access
from shopkeeper.bots.telegram.channels import chat_ops
from shopkeeper.bots.telegram.channels.repository import (
    ChatRepository,
    MemberRepository,
    PeopleRepository,
)
from shopkeeper.bots.telegram.chat_models import TelegramChat, TelegramChatMember
from shopkeeper.container import Container

log = structlog.get_logger(__name__)
SEEN_IN = ("member", "restricted")
INTRUDER = "no active grant (leaked link?)"


async def reconcile_chats(session: AsyncSession, container: Container, now: datetime) -> int:
    """Every active chat of every shop; returns how many people were removed."""
    removed = 0
    for chat in await ChatRepository(session).all_active():
        try:
            removed += await reconcile_chat(session, container, chat, now)
        except TelegramAPIError as exc:  # this chat waits for the next round
            log.warning("telegram.reconcile_failed", chat=chat.chat_id, error=exc.message)
    if removed:
        log.info("telegram.intruders_removed", count=removed)
    return removed


async def reconcile_chat(
    session: AsyncSession, container: Container, chat: TelegramChat, now: datetime
) -> int:
    """Remove the chat's members who are not entitled to it; how many were removed."""
    intruders = await _intruders(session, chat)
    if not intruders:
        return 0
    found = await chat_ops.chat_bot(container, chat)
    if found is None:
        return 0
    members, removed = MemberRepository(session), 0
    for person in intruders:
        outcome = await chat_ops.remove(found.bot, chat, person.telegram_user_id)
        await members.set_status(chat, person.telegram_user_id, outcome.status, now)
        if outcome.removed:
            removed += 1
            await access.log_membership(
                session, shop_id=chat.shop_id, target_id=chat.target_id,
                customer_id=person.customer_id, action="removal", detail=INTRUDER, now=now,
            )  # fmt: skip
    return removed


async def _intruders(session: AsyncSession, chat: TelegramChat) -> list[TelegramChatMember]:
    seen = await MemberRepository(session).present(chat, SEEN_IN)
    if not seen:
        return []
    entitled = set(
        await access.customers_with_grant(session, shop_id=chat.shop_id, target_id=chat.target_id)
    )
    known = await PeopleRepository(session).customers_of(
        chat.shop_id, [m.telegram_user_id for m in seen]
    )
    return [m for m in seen if not {m.customer_id, known.get(m.telegram_user_id)} & entitled]
