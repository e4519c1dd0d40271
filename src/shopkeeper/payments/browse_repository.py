"""SQL of staff browsing payments and inbound webhooks: newest first, filtered, one shop."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.payments.models import Payment, WebhookEvent


class BrowseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def payments(
        self, shop_id: uuid.UUID, *, status: str | None, provider: str | None, limit: int,
        offset: int, count_up_to: int,
    ) -> tuple[list[Payment], int]:  # fmt: skip
        where: list[Any] = [Payment.shop_id == shop_id]
        if status:
            where.append(Payment.status == status)
        if provider:
            where.append(Payment.provider == provider)
        order = (Payment.created_at.desc(), Payment.id.desc())
        return await self._page(Payment, where, order, limit, offset, count_up_to)

    async def webhooks(
        self, shop_id: uuid.UUID, *, status: str | None, provider: str | None, limit: int,
        offset: int, count_up_to: int,
    ) -> tuple[list[WebhookEvent], int]:  # fmt: skip
        where: list[Any] = [WebhookEvent.shop_id == shop_id]
        if status:
            where.append(WebhookEvent.status == status)
        if provider:
            where.append(WebhookEvent.provider == provider)
        order = (WebhookEvent.received_at.desc(), WebhookEvent.id.desc())
        return await self._page(WebhookEvent, where, order, limit, offset, count_up_to)

    async def webhook(self, shop_id: uuid.UUID, webhook_id: uuid.UUID) -> WebhookEvent | None:
        stmt = select(WebhookEvent).where(
            WebhookEvent.shop_id == shop_id, WebhookEvent.id == webhook_id
        )
        return await self.session.scalar(stmt)

    async def _page(
        self, model: Any, where: list[Any], order: tuple[Any, ...], limit: int, offset: int,
        count_up_to: int,
    ) -> tuple[list[Any], int]:  # fmt: skip
        """A page and how many match, counting at most one past `count_up_to`."""
        counted = select(model.id).where(*where).limit(count_up_to + 1).subquery()
        total = await self.session.scalar(select(func.count()).select_from(counted))
        stmt = select(model).where(*where).order_by(*order).limit(limit).offset(offset)
        return list(await self.session.scalars(stmt)), int(total or 0)
