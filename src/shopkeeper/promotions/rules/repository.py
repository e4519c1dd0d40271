"""All SQL of cart promotions; every query is scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.promotions.rules.models import Promotion


class PromotionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, promotion: Promotion) -> Promotion:
        self.session.add(promotion)
        return promotion

    async def delete(self, promotion: Promotion) -> None:
        await self.session.delete(promotion)
        await self.session.flush()

    async def get(self, shop_id: uuid.UUID, promotion_id: uuid.UUID) -> Promotion | None:
        query = select(Promotion).where(Promotion.shop_id == shop_id, Promotion.id == promotion_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        active: bool | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Promotion], int]:
        where: list[Any] = [Promotion.shop_id == shop_id]
        if active is not None:
            where.append(Promotion.active.is_(active))
        if kind is not None:
            where.append(Promotion.kind == kind)
        total = await self.session.scalar(select(func.count()).select_from(Promotion).where(*where))
        query = (
            select(Promotion)
            .where(*where)
            .order_by(Promotion.priority.desc(), Promotion.created_at.desc(), Promotion.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def in_force(self, shop_id: uuid.UUID, now: datetime) -> Sequence[Promotion]:
        """Active promotions whose window holds `now` (starts inclusive, ends exclusive)."""
        query = select(Promotion).where(
            Promotion.shop_id == shop_id,
            Promotion.active.is_(True),
            or_(Promotion.starts_at.is_(None), Promotion.starts_at <= now),
            or_(Promotion.ends_at.is_(None), Promotion.ends_at > now),
        )
        return (await self.session.execute(query)).scalars().all()
