"""The tester joins a playground channel through an invite link the bot sent, or leaves it.

A plain link lets them in (a `chat_member` update tells the bot, with the link used); a
link that needs approval files a join request (a `chat_join_request` update), which the bot
approves or declines through the Bot API. A link's member limit holds under concurrent
joins; an expired, revoked or used-up link and a banned tester are refused, as on Telegram.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.acting import (
    Outcome,
    Tester,
    begin,
    chat_row,
    deliver,
    note_text,
)
from shopkeeper.bots.telegram.playground.models import (
    PlaygroundBot,
    PlaygroundChat,
    PlaygroundInviteLink,
    PlaygroundUser,
)
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

L = PlaygroundInviteLink


async def join_via_link(
    container: Container, *, shop_id: uuid.UUID, tester: Tester, link: str
) -> Outcome:
    bot, user = await begin(container, shop_id, tester, start=False)
    now = container.clock.now()
    async with container.readers() as session:
        repo = PlaygroundRepository(session)
        row = await repo.invite_link(bot.id, link)
        chat = await repo.chat(bot.id, row.chat_id) if row else None
        member = await repo.member(bot.id, row.chat_id, user.telegram_user_id) if row else None
    if row is None or chat is None:
        return Outcome("error", "link_unknown")
    status = member.status if member else "left"
    refused = _refusal(row, status, now)
    if refused:
        return Outcome(
            "error" if refused != "already_member" else "info", refused, {"title": chat.title}
        )
    if row.creates_join_request:
        return await _request(container, bot, user, chat, row, now)
    if not await _admit(container, bot, user, chat, row, now):
        return Outcome("error", "link_full", {"title": chat.title})
    invite = wire.invite_link(row, wire.bot_user(bot.telegram_bot_id, bot.first_name, bot.username))
    await deliver(
        container,
        bot,
        wire.chat_member_update(
            wire.group_chat(chat),
            wire.tester_user(user),
            wire.tester_user(user),
            old=status,
            new="member",
            date=wire.unix(now),
            invite_link=invite,
        ),
    )
    return Outcome("success", "joined", {"title": chat.title})


def _refusal(row: PlaygroundInviteLink, status: str, now: datetime) -> str:
    if status == "kicked":
        return "banned"
    if status == "member":
        return "already_member"
    if status == "requested":
        return "join_pending"
    if row.revoked:
        return "link_revoked"
    if row.expire_date is not None and row.expire_date <= now:
        return "link_expired"
    if row.member_limit is not None and row.uses >= row.member_limit:
        return "link_full"
    return ""


async def _admit(
    container: Container,
    bot: PlaygroundBot,
    user: PlaygroundUser,
    chat: PlaygroundChat,
    row: PlaygroundInviteLink,
    now: datetime,
) -> bool:
    """Count one use of the link (False when its limit was reached meanwhile) and let in."""
    async with unit_of_work(container.sessions) as session:
        used = await session.execute(
            update(L)
            .where(
                L.id == row.id,
                L.revoked.is_(False),
                or_(L.member_limit.is_(None), L.uses < L.member_limit),
            )
            .values(uses=L.uses + 1)
            .execution_options(synchronize_session=False)
        )
        if not getattr(used, "rowcount", 0):
            return False
        await _record_member(session, bot, user, chat, row, "member", "joined", now)
    return True


async def _request(
    container: Container,
    bot: PlaygroundBot,
    user: PlaygroundUser,
    chat: PlaygroundChat,
    row: PlaygroundInviteLink,
    now: datetime,
) -> Outcome:
    async with unit_of_work(container.sessions) as session:
        await _record_member(session, bot, user, chat, row, "requested", "join_requested", now)
    creator = wire.bot_user(bot.telegram_bot_id, bot.first_name, bot.username)
    request = {
        "chat": wire.group_chat(chat),
        "from": wire.tester_user(user),
        "user_chat_id": user.telegram_user_id,
        "date": wire.unix(now),
        "invite_link": wire.invite_link(row, creator),
    }
    await deliver(
        container, bot, {"update_id": wire.UPDATE_IDS.next(), "chat_join_request": request}
    )
    return Outcome("success", "join_requested", {"title": chat.title})


async def leave_channel(
    container: Container, *, shop_id: uuid.UUID, tester: Tester, chat_id: int
) -> Outcome:
    """The tester leaves a channel they are in (the bot gets the chat_member update)."""
    bot, user = await begin(container, shop_id, tester, start=False)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        repo = PlaygroundRepository(session)
        chat = await repo.chat(bot.id, chat_id)
        member = await repo.member(bot.id, chat_id, user.telegram_user_id)
        if chat is None or member is None or member.status != "member":
            return Outcome("error", "not_member")
        member.status, member.updated_at = "left", now
        session.add(
            chat_row(
                bot,
                user.telegram_user_id,
                sender="note",
                text=note_text("left", title=chat.title),
                now=now,
            )
        )
    await deliver(
        container,
        bot,
        wire.chat_member_update(
            wire.group_chat(chat),
            wire.tester_user(user),
            wire.tester_user(user),
            old="member",
            new="left",
            date=wire.unix(now),
        ),
    )
    return Outcome("success", "left", {"title": chat.title})


async def _record_member(
    session: AsyncSession,
    bot: PlaygroundBot,
    user: PlaygroundUser,
    chat: PlaygroundChat,
    row: PlaygroundInviteLink,
    status: str,
    note: str,
    now: datetime,
) -> None:
    """The tester's standing in the channel, and a line in the chat saying what happened."""
    await PlaygroundRepository(session).set_member(
        bot=bot,
        chat_id=chat.chat_id,
        user_id=user.telegram_user_id,
        first_name=user.first_name,
        status=status,
        now=now,
        invite_link=row.link,
    )
    text = note_text(note, title=chat.title)
    session.add(chat_row(bot, user.telegram_user_id, sender="note", text=text, now=now))
