"""All SQL of the notifications context."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.models import NotificationMessage, NotificationTemplate


class MessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_dedupe_key(self, shop_id: uuid.UUID, key: str) -> NotificationMessage | None:
        stmt = select(NotificationMessage).where(
            NotificationMessage.shop_id == shop_id, NotificationMessage.dedupe_key == key
        )
        return await self.session.scalar(stmt)

    def add(self, message: NotificationMessage) -> NotificationMessage:
        self.session.add(message)
        return message

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        customer_id: uuid.UUID | None,
        status: str | None,
        limit: int,
        offset: int,
        channel: str | None = None,
    ) -> tuple[list[NotificationMessage], int]:
        where = [NotificationMessage.shop_id == shop_id]
        if customer_id is not None:
            where.append(NotificationMessage.customer_id == customer_id)
        if channel is not None:
            where.append(NotificationMessage.channel == channel)
        if status is not None:
            where.append(NotificationMessage.status == status)
        total = await self.session.scalar(
            select(func.count()).select_from(NotificationMessage).where(*where)
        )
        stmt = (
            select(NotificationMessage)
            .where(*where)
            .order_by(NotificationMessage.created_at.desc(), NotificationMessage.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(await self.session.scalars(stmt)), int(total or 0)


class TemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, shop_id: uuid.UUID, purpose: str, language: str
    ) -> NotificationTemplate | None:
        stmt = select(NotificationTemplate).where(
            NotificationTemplate.shop_id == shop_id,
            NotificationTemplate.purpose == purpose,
            NotificationTemplate.language == language,
        )
        return await self.session.scalar(stmt)

    async def all_for_shop(self, shop_id: uuid.UUID) -> list[NotificationTemplate]:
        stmt = select(NotificationTemplate).where(NotificationTemplate.shop_id == shop_id)
        return list(await self.session.scalars(stmt))

    def add(self, template: NotificationTemplate) -> NotificationTemplate:
        self.session.add(template)
        return template

    async def remove(self, shop_id: uuid.UUID, purpose: str, language: str) -> int:
        stmt = delete(NotificationTemplate).where(
            NotificationTemplate.shop_id == shop_id,
            NotificationTemplate.purpose == purpose,
            NotificationTemplate.language == language,
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
