"""All SQL of the Discord adapter; tenant queries are scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.discord.models import DiscordAccount, DiscordConnection, DiscordRole


class ConnectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DiscordConnection) -> DiscordConnection:
        self.session.add(row)
        return row

    async def of_shop(self, shop_id: uuid.UUID, *, lock: bool = False) -> DiscordConnection | None:
        """The shop's connection row, live or disconnected."""
        query = select(DiscordConnection).where(DiscordConnection.shop_id == shop_id)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def active_of_shop(self, shop_id: uuid.UUID) -> DiscordConnection | None:
        row = await self.of_shop(shop_id)
        return row if row is not None and row.active else None

    async def active_by_application(self, application_id: str) -> DiscordConnection | None:
        """The live connection of an application (the interactions endpoint's lookup)."""
        query = select(DiscordConnection).where(
            DiscordConnection.application_id == application_id,
            DiscordConnection.active.is_(True),
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def all_active(self) -> Sequence[DiscordConnection]:
        query = select(DiscordConnection).where(DiscordConnection.active.is_(True))
        return (await self.session.scalars(query)).all()


class RoleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DiscordRole) -> DiscordRole:
        self.session.add(row)
        return row

    async def by_role(self, shop_id: uuid.UUID, guild_id: str, role_id: str) -> DiscordRole | None:
        query = select(DiscordRole).where(
            DiscordRole.shop_id == shop_id,
            DiscordRole.guild_id == guild_id,
            DiscordRole.role_id == role_id,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_target(self, shop_id: uuid.UUID, target_id: uuid.UUID) -> DiscordRole | None:
        query = select(DiscordRole).where(
            DiscordRole.shop_id == shop_id, DiscordRole.target_id == target_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_guild(self, shop_id: uuid.UUID, guild_id: str) -> Sequence[DiscordRole]:
        query = (
            select(DiscordRole)
            .where(DiscordRole.shop_id == shop_id, DiscordRole.guild_id == guild_id)
            .order_by(DiscordRole.created_at, DiscordRole.role_id)
        )
        return (await self.session.scalars(query)).all()


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: DiscordAccount) -> DiscordAccount:
        self.session.add(row)
        return row

    async def get(
        self, shop_id: uuid.UUID, discord_user_id: str, *, lock: bool = False
    ) -> DiscordAccount | None:
        query = select(DiscordAccount).where(
            DiscordAccount.shop_id == shop_id, DiscordAccount.discord_user_id == discord_user_id
        )
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def of_customers(
        self, shop_id: uuid.UUID, customer_ids: Iterable[uuid.UUID]
    ) -> Sequence[DiscordAccount]:
        query = (
            select(DiscordAccount)
            .where(
                DiscordAccount.shop_id == shop_id,
                DiscordAccount.customer_id.in_(list(customer_ids)),
            )
            .order_by(DiscordAccount.updated_at.desc())
        )
        return (await self.session.scalars(query)).all()

    async def repoint(self, shop_id: uuid.UUID, *, from_id: uuid.UUID, into_id: uuid.UUID) -> None:
        await self.session.execute(
            update(DiscordAccount)
            .where(DiscordAccount.shop_id == shop_id, DiscordAccount.customer_id == from_id)
            .values(customer_id=into_id)
        )
