"""All SQL of the Telegram adapter; tenant queries are scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.models import (
    TelegramBot,
    TelegramConversation,
    TelegramText,
    TelegramUpdate,
    TelegramUser,
)


def _insert(session: AsyncSession, table: Any) -> Any:
    """An INSERT that can say ON CONFLICT DO NOTHING on both databases."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


# Every update runs these two: built once, as building a statement costs more than running it.
_USER_OF_BOT = select(TelegramUser).where(
    TelegramUser.bot_id == bindparam("bot_id"),
    TelegramUser.telegram_user_id == bindparam("telegram_user_id"),
)
_CLAIM = {
    name: insert(cast(Table, TelegramUpdate.__table__)).on_conflict_do_nothing()  # Core: leaner
    for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


class BotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, bot: TelegramBot) -> TelegramBot:
        self.session.add(bot)
        return bot

    async def get(
        self, shop_id: uuid.UUID, bot_id: uuid.UUID, *, lock: bool = False
    ) -> TelegramBot | None:
        query = select(TelegramBot).where(TelegramBot.shop_id == shop_id, TelegramBot.id == bot_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def get_active(self, bot_id: uuid.UUID) -> TelegramBot | None:
        """A live bot by id alone: the runtime's lookup (the id is the webhook's path)."""
        query = select(TelegramBot).where(TelegramBot.id == bot_id, TelegramBot.active.is_(True))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_shop(
        self, shop_id: uuid.UUID, *, include_inactive: bool
    ) -> Sequence[TelegramBot]:
        query = select(TelegramBot).where(TelegramBot.shop_id == shop_id)
        if not include_inactive:
            query = query.where(TelegramBot.active.is_(True))
        query = query.order_by(TelegramBot.created_at.desc(), TelegramBot.id)
        return (await self.session.execute(query)).scalars().all()

    async def in_shop(self, shop_id: uuid.UUID, telegram_bot_id: int) -> TelegramBot | None:
        query = select(TelegramBot).where(
            TelegramBot.shop_id == shop_id, TelegramBot.telegram_bot_id == telegram_bot_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def active_anywhere(self, telegram_bot_id: int) -> TelegramBot | None:
        """The live connection of a Telegram bot, in whichever shop (there is at most one)."""
        query = select(TelegramBot).where(
            TelegramBot.telegram_bot_id == telegram_bot_id, TelegramBot.active.is_(True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def claim_polling(self, owner: str, *, now: datetime, until: datetime) -> list[uuid.UUID]:
        """Take (or keep) every polling bot whose lease is free; the ids this owner now polls."""
        free = or_(
            TelegramBot.poll_owner.is_(None),
            TelegramBot.poll_owner == owner,
            TelegramBot.poll_lease_until < now,
        )
        polling = (TelegramBot.active.is_(True), TelegramBot.mode == "polling")
        await self.session.execute(
            update(TelegramBot)
            .where(*polling, free)
            .values(poll_owner=owner, poll_lease_until=until)
            .execution_options(synchronize_session=False)
        )
        query = select(TelegramBot.id).where(*polling, TelegramBot.poll_owner == owner)
        return list((await self.session.execute(query)).scalars())

    async def release_polling(self, owner: str) -> None:
        await self.session.execute(
            update(TelegramBot)
            .where(TelegramBot.poll_owner == owner)
            .values(poll_owner=None, poll_lease_until=None)
            .execution_options(synchronize_session=False)
        )


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, bot_id: uuid.UUID, telegram_user_id: int) -> TelegramUser | None:
        values = {"bot_id": bot_id, "telegram_user_id": telegram_user_id}
        return (await self.session.execute(_USER_OF_BOT, values)).scalar_one_or_none()

    async def in_shop(self, shop_id: uuid.UUID, user_id: uuid.UUID) -> TelegramUser | None:
        query = select(TelegramUser).where(
            TelegramUser.shop_id == shop_id, TelegramUser.id == user_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def mark_blocked(self, bot_id: uuid.UUID, telegram_user_id: int, now: datetime) -> bool:
        """Unreachable from now on (the first time only); False when already marked."""
        result = await self.session.execute(
            update(TelegramUser)
            .where(
                TelegramUser.bot_id == bot_id,
                TelegramUser.telegram_user_id == telegram_user_id,
                TelegramUser.blocked_at.is_(None),
            )
            .values(blocked_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def repoint_customer(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            update(TelegramUser)
            .where(TelegramUser.shop_id == shop_id, TelegramUser.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )

    async def reachable_for_customer(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID
    ) -> TelegramUser | None:
        """The customer's most recently active chat with a live bot of the shop, not blocked."""
        query = (
            select(TelegramUser)
            .join(TelegramBot, TelegramBot.id == TelegramUser.bot_id)
            .where(
                TelegramUser.shop_id == shop_id,
                TelegramUser.customer_id == customer_id,
                TelegramUser.blocked_at.is_(None),
                TelegramBot.active.is_(True),
            )
            .order_by(TelegramUser.last_seen_at.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()


class UpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, *, bot_id: uuid.UUID, shop_id: uuid.UUID, update_id: int, now: datetime
    ) -> bool:
        """Record the update as processed; False when it already was (a redelivery)."""
        statement = _CLAIM[self.session.get_bind().dialect.name]
        values = {"bot_id": bot_id, "update_id": update_id, "shop_id": shop_id, "received_at": now}
        result = await self.session.execute(statement, values)
        return bool(getattr(result, "rowcount", 0))

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(TelegramUpdate).where(TelegramUpdate.received_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)


class TextRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def overrides(self, shop_id: uuid.UUID) -> dict[tuple[str, str], str]:
        query = select(TelegramText.key, TelegramText.language, TelegramText.text).where(
            TelegramText.shop_id == shop_id
        )
        return {(key, lang): text for key, lang, text in await self.session.execute(query)}

    async def get(self, shop_id: uuid.UUID, key: str, language: str) -> TelegramText | None:
        query = select(TelegramText).where(
            TelegramText.shop_id == shop_id,
            TelegramText.key == key,
            TelegramText.language == language,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    def add(self, row: TelegramText) -> None:
        self.session.add(row)

    async def remove(self, row: TelegramText) -> None:
        await self.session.delete(row)


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, lock: bool = False) -> TelegramConversation | None:
        query = select(TelegramConversation).where(TelegramConversation.user_id == user_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    def add(self, row: TelegramConversation) -> TelegramConversation:
        self.session.add(row)
        return row
