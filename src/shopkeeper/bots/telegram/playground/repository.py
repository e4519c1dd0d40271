"""All SQL of the playground; every query is scoped to one playground bot (hence one shop)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground.models import (
    PlaygroundAnswer,
    PlaygroundBot,
    PlaygroundChat,
    PlaygroundInviteLink,
    PlaygroundInvoice,
    PlaygroundMember,
    PlaygroundMessage,
    PlaygroundUser,
)

M = PlaygroundMessage


class PlaygroundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def _one(self, query: Any) -> Any:
        return (await self.session.execute(query)).scalar_one_or_none()

    # -- bots and testers --------------------------------------------------------------------
    async def bot_by_token_hash(self, token_hash: str) -> PlaygroundBot | None:
        return await self._one(select(PlaygroundBot).where(PlaygroundBot.token_hash == token_hash))

    async def bot_for_shop(self, shop_id: uuid.UUID) -> PlaygroundBot | None:
        return await self._one(select(PlaygroundBot).where(PlaygroundBot.shop_id == shop_id))

    async def bot(self, playground_bot_id: uuid.UUID) -> PlaygroundBot | None:
        return await self._one(select(PlaygroundBot).where(PlaygroundBot.id == playground_bot_id))

    async def bot_by_telegram_bot(self, bot_id: uuid.UUID) -> PlaygroundBot | None:
        """The playground bot behind a connected telegram_bot row."""
        return await self._one(select(PlaygroundBot).where(PlaygroundBot.bot_id == bot_id))

    async def tester_by_telegram_id(self, bot: uuid.UUID, user_id: int) -> PlaygroundUser | None:
        return await self._one(
            select(PlaygroundUser).where(
                PlaygroundUser.playground_bot_id == bot, PlaygroundUser.telegram_user_id == user_id
            )
        )

    async def tester_for_staff(self, bot: uuid.UUID, staff: uuid.UUID) -> PlaygroundUser | None:
        return await self._one(
            select(PlaygroundUser).where(
                PlaygroundUser.playground_bot_id == bot, PlaygroundUser.staff_user_id == staff
            )
        )

    # -- chats and members -------------------------------------------------------------------
    async def chat(self, bot: uuid.UUID, chat_id: int) -> PlaygroundChat | None:
        return await self._one(
            select(PlaygroundChat).where(
                PlaygroundChat.playground_bot_id == bot, PlaygroundChat.chat_id == chat_id
            )
        )

    async def chats(self, bot: uuid.UUID) -> Sequence[PlaygroundChat]:
        query = select(PlaygroundChat).where(PlaygroundChat.playground_bot_id == bot)
        return (
            (await self.session.execute(query.order_by(PlaygroundChat.created_at))).scalars().all()
        )

    async def member(self, bot: uuid.UUID, chat_id: int, user_id: int) -> PlaygroundMember | None:
        return await self.session.get(PlaygroundMember, (bot, chat_id, user_id))

    async def members(self, bot: uuid.UUID, chat_id: int) -> Sequence[PlaygroundMember]:
        query = select(PlaygroundMember).where(
            PlaygroundMember.playground_bot_id == bot, PlaygroundMember.chat_id == chat_id
        )
        return (
            (await self.session.execute(query.order_by(PlaygroundMember.updated_at)))
            .scalars()
            .all()
        )

    async def set_member(
        self,
        *,
        bot: PlaygroundBot | Any,
        chat_id: int,
        user_id: int,
        first_name: str,
        status: str,
        now: datetime,
        invite_link: str | None = None,
    ) -> None:
        """Insert or update one membership (the caller runs it inside a savepoint)."""
        row = await self.member(bot.id, chat_id, user_id)
        if row is None:
            row = PlaygroundMember(
                playground_bot_id=bot.id,
                chat_id=chat_id,
                user_id=user_id,
                shop_id=bot.shop_id,
                first_name=first_name[:128],
            )
            self.session.add(row)
        row.status, row.updated_at = status, now
        if invite_link is not None:
            row.invite_link = invite_link
        await self.session.flush()

    # -- messages ----------------------------------------------------------------------------
    async def message(self, bot: uuid.UUID, chat_id: int, message_id: int) -> M | None:
        return await self._one(
            select(M).where(
                M.playground_bot_id == bot, M.chat_id == chat_id, M.message_id == message_id
            )
        )

    async def messages(self, bot: uuid.UUID, chat_id: int, *, limit: int) -> list[M]:
        """The chat's latest messages, oldest first (deleted ones left out)."""
        query = (
            select(M)
            .where(M.playground_bot_id == bot, M.chat_id == chat_id, M.deleted_at.is_(None))
            .order_by(M.message_id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.execute(query)).scalars().all()))

    async def edit_message(
        self, bot: uuid.UUID, chat_id: int, message_id: int, **values: Any
    ) -> None:
        await self.session.execute(
            update(M)
            .where(M.playground_bot_id == bot, M.chat_id == chat_id, M.message_id == message_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def state(self, bot: uuid.UUID, chat_id: int) -> tuple[Any, ...]:
        """What changes whenever the chat shows something new (cheap to poll)."""
        query = select(
            func.count(M.id), func.max(M.message_id), func.max(M.edited_at), func.max(M.deleted_at)
        ).where(M.playground_bot_id == bot, M.chat_id == chat_id)
        row = (await self.session.execute(query)).one()
        members = select(func.count(), func.max(PlaygroundMember.updated_at)).where(
            PlaygroundMember.playground_bot_id == bot
        )
        return (*row, *(await self.session.execute(members)).one())

    # -- invite links, invoices, answers -----------------------------------------------------
    async def invite_link(self, bot: uuid.UUID, link: str) -> PlaygroundInviteLink | None:
        return await self._one(
            select(PlaygroundInviteLink).where(
                PlaygroundInviteLink.playground_bot_id == bot, PlaygroundInviteLink.link == link
            )
        )

    async def invite_links(
        self, bot: uuid.UUID, links: Sequence[str]
    ) -> list[PlaygroundInviteLink]:
        if not links:
            return []
        query = select(PlaygroundInviteLink).where(
            PlaygroundInviteLink.playground_bot_id == bot, PlaygroundInviteLink.link.in_(links)
        )
        return list((await self.session.execute(query)).scalars().all())

    async def invoice(self, bot: uuid.UUID, invoice_id: uuid.UUID) -> PlaygroundInvoice | None:
        return await self._one(
            select(PlaygroundInvoice).where(
                PlaygroundInvoice.playground_bot_id == bot, PlaygroundInvoice.id == invoice_id
            )
        )

    async def invoices(
        self, bot: uuid.UUID, *, ids: Sequence[uuid.UUID] = (), slugs: Sequence[str] = ()
    ) -> list[PlaygroundInvoice]:
        if not ids and not slugs:
            return []
        query = select(PlaygroundInvoice).where(
            PlaygroundInvoice.playground_bot_id == bot,
            PlaygroundInvoice.id.in_(ids) | PlaygroundInvoice.slug.in_(slugs),
        )
        return list((await self.session.execute(query)).scalars().all())

    async def invoice_by_charge(self, bot: uuid.UUID, charge_id: str) -> PlaygroundInvoice | None:
        return await self._one(
            select(PlaygroundInvoice).where(
                PlaygroundInvoice.playground_bot_id == bot, PlaygroundInvoice.charge_id == charge_id
            )
        )

    async def answer(self, bot: uuid.UUID, kind: str, query_id: str) -> PlaygroundAnswer | None:
        return await self._one(
            select(PlaygroundAnswer).where(
                PlaygroundAnswer.playground_bot_id == bot,
                PlaygroundAnswer.kind == kind,
                PlaygroundAnswer.query_id == query_id,
            )
        )

    async def update_bot(self, playground_bot_id: uuid.UUID, **values: Any) -> None:
        await self.session.execute(
            update(PlaygroundBot)
            .where(PlaygroundBot.id == playground_bot_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
