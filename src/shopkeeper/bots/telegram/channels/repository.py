"""All SQL of the shop's Telegram chats and the members seen in them; scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.chat_models import TelegramChat, TelegramChatMember
from shopkeeper.bots.telegram.models import TelegramBot, TelegramUser
from shopkeeper.bots.telegram.repository import _insert
from shopkeeper.kit.ids import new_id

PRESENT = ("member", "restricted", "administrator", "creator")


class ChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, chat: TelegramChat) -> TelegramChat:
        self.session.add(chat)
        return chat

    async def get(self, shop_id: uuid.UUID, channel_id: uuid.UUID) -> TelegramChat | None:
        query = select(TelegramChat).where(
            TelegramChat.shop_id == shop_id, TelegramChat.id == channel_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_chat(self, shop_id: uuid.UUID, chat_id: int) -> TelegramChat | None:
        query = select(TelegramChat).where(
            TelegramChat.shop_id == shop_id, TelegramChat.chat_id == chat_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_target(self, shop_id: uuid.UUID, target_id: uuid.UUID) -> TelegramChat | None:
        query = select(TelegramChat).where(
            TelegramChat.shop_id == shop_id, TelegramChat.target_id == target_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def managed_by(
        self, shop_id: uuid.UUID, bot_id: uuid.UUID, chat_id: int
    ) -> TelegramChat | None:
        """The active chat this bot manages (updates from other bots of the chat are ignored)."""
        query = select(TelegramChat).where(
            TelegramChat.shop_id == shop_id,
            TelegramChat.bot_id == bot_id,
            TelegramChat.chat_id == chat_id,
            TelegramChat.active.is_(True),
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_bot(self, shop_id: uuid.UUID, bot_id: uuid.UUID) -> Sequence[TelegramChat]:
        query = select(TelegramChat).where(
            TelegramChat.shop_id == shop_id,
            TelegramChat.bot_id == bot_id,
            TelegramChat.active.is_(True),
        )
        return (await self.session.execute(query)).scalars().all()

    async def page(
        self, shop_id: uuid.UUID, *, active: bool | None, limit: int, offset: int
    ) -> tuple[Sequence[TelegramChat], int]:
        where = [TelegramChat.shop_id == shop_id]
        if active is not None:
            where.append(TelegramChat.active.is_(active))
        total = await self.session.scalar(
            select(func.count()).select_from(TelegramChat).where(*where)
        )
        query = (
            select(TelegramChat)
            .where(*where)
            .order_by(TelegramChat.created_at.desc(), TelegramChat.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def all_active(self) -> Sequence[TelegramChat]:
        """Every shop's active chats whose bot is live (the reconciliation's round)."""
        query = (
            select(TelegramChat)
            .join(TelegramBot, TelegramBot.id == TelegramChat.bot_id)
            .where(TelegramChat.active.is_(True), TelegramBot.active.is_(True))
            .order_by(TelegramChat.id)
        )
        return (await self.session.execute(query)).scalars().all()


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        chat: TelegramChat,
        telegram_user_id: int,
        *,
        status: str,
        customer_id: uuid.UUID | None,
        now: datetime,
    ) -> None:
        """Remember the person's latest status in the chat (insert or update, race-free)."""
        values = {"status": status, "updated_at": now}
        if customer_id is not None:
            values["customer_id"] = customer_id
        statement = (
            _insert(self.session, TelegramChatMember)
            .values(
                id=new_id(),
                shop_id=chat.shop_id,
                channel_id=chat.id,
                telegram_user_id=telegram_user_id,
                customer_id=customer_id,
                status=status,
                updated_at=now,
            )
            .on_conflict_do_update(index_elements=["channel_id", "telegram_user_id"], set_=values)
        )
        await self.session.execute(statement)

    async def status(self, chat: TelegramChat, telegram_user_id: int) -> str | None:
        query = select(TelegramChatMember.status).where(
            TelegramChatMember.shop_id == chat.shop_id,
            TelegramChatMember.channel_id == chat.id,
            TelegramChatMember.telegram_user_id == telegram_user_id,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def present(
        self, chat: TelegramChat, statuses: Collection[str] = PRESENT
    ) -> Sequence[TelegramChatMember]:
        query = select(TelegramChatMember).where(
            TelegramChatMember.shop_id == chat.shop_id,
            TelegramChatMember.channel_id == chat.id,
            TelegramChatMember.status.in_(statuses),
        )
        return (await self.session.execute(query)).scalars().all()

    async def user_ids_of_customer(self, chat: TelegramChat, customer_id: uuid.UUID) -> list[int]:
        query = select(TelegramChatMember.telegram_user_id).where(
            TelegramChatMember.shop_id == chat.shop_id,
            TelegramChatMember.channel_id == chat.id,
            TelegramChatMember.customer_id == customer_id,
        )
        return list((await self.session.execute(query)).scalars())

    async def set_status(
        self, chat: TelegramChat, telegram_user_id: int, status: str, now: datetime
    ) -> None:
        await self.session.execute(
            update(TelegramChatMember)
            .where(
                TelegramChatMember.shop_id == chat.shop_id,
                TelegramChatMember.channel_id == chat.id,
                TelegramChatMember.telegram_user_id == telegram_user_id,
            )
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )


class PeopleRepository:
    """Who a Telegram user is in the shop: the bot users linked to customers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def customers_of(
        self, shop_id: uuid.UUID, telegram_user_ids: Collection[int]
    ) -> dict[int, uuid.UUID]:
        """Each Telegram user's customer (their most recently seen bot user's)."""
        if not telegram_user_ids:
            return {}
        query = (
            select(TelegramUser.telegram_user_id, TelegramUser.customer_id)
            .where(
                TelegramUser.shop_id == shop_id,
                TelegramUser.telegram_user_id.in_(list(telegram_user_ids)),
            )
            .order_by(TelegramUser.last_seen_at)
        )
        return {user_id: customer for user_id, customer in await self.session.execute(query)}

    async def telegram_ids(
        self, shop_id: uuid.UUID, customer_ids: Collection[uuid.UUID]
    ) -> list[tuple[int, uuid.UUID]]:
        """The customers' Telegram user ids and the bot each talks to, latest first."""
        query = (
            select(TelegramUser.telegram_user_id, TelegramUser.bot_id)
            .where(
                TelegramUser.shop_id == shop_id, TelegramUser.customer_id.in_(list(customer_ids))
            )
            .order_by(TelegramUser.last_seen_at.desc())
        )
        return [(user_id, bot_id) for user_id, bot_id in await self.session.execute(query)]

    async def reachable(self, shop_id: uuid.UUID, telegram_user_id: int) -> Sequence[TelegramUser]:
        """The person's chats with the shop's live bots: started ones first, latest seen first."""
        query = (
            select(TelegramUser)
            .join(TelegramBot, TelegramBot.id == TelegramUser.bot_id)
            .where(
                TelegramUser.shop_id == shop_id,
                TelegramUser.telegram_user_id == telegram_user_id,
                TelegramBot.active.is_(True),
            )
            .order_by(TelegramUser.started_at.is_(None), TelegramUser.last_seen_at.desc())
        )
        return (await self.session.execute(query)).scalars().all()
