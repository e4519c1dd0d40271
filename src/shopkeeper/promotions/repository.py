"""All SQL of the promotions context; every query is scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.promotions.models import PromoCode, PromoRedemption

IN_CHUNK = 500


class PromoCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, promo: PromoCode) -> PromoCode:
        self.session.add(promo)
        return promo

    async def get(self, shop_id: uuid.UUID, promo_code_id: uuid.UUID) -> PromoCode | None:
        query = select(PromoCode).where(PromoCode.shop_id == shop_id, PromoCode.id == promo_code_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_code(self, shop_id: uuid.UUID, code: str) -> PromoCode | None:
        query = select(PromoCode).where(PromoCode.shop_id == shop_id, PromoCode.code == code)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        active: bool | None,
        batch_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[PromoCode], int]:
        where: list[Any] = [PromoCode.shop_id == shop_id]
        if active is not None:
            where.append(PromoCode.active.is_(active))
        if batch_id is not None:
            where.append(PromoCode.batch_id == batch_id)
        total = await self.session.scalar(select(func.count()).select_from(PromoCode).where(*where))
        query = (
            select(PromoCode)
            .where(*where)
            .order_by(PromoCode.created_at.desc(), PromoCode.code)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def repoint_customer(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
    ) -> None:
        statement = (
            update(PromoCode)
            .where(PromoCode.shop_id == shop_id, PromoCode.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)

    async def existing_codes(self, shop_id: uuid.UUID, codes: Iterable[str]) -> set[str]:
        """Which of `codes` the shop already has (asked in chunks: IN lists stay short)."""
        wanted, found = list(codes), set[str]()
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start : start + IN_CHUNK]
            query = select(PromoCode.code).where(
                PromoCode.shop_id == shop_id, PromoCode.code.in_(chunk)
            )
            found.update((await self.session.execute(query)).scalars())
        return found

    async def insert_many(self, rows: list[dict[str, Any]]) -> None:
        await self.session.execute(insert(PromoCode), rows)

    async def take_use(self, shop_id: uuid.UUID, promo_code_id: uuid.UUID) -> bool:
        """Count one use if any is left: one conditional UPDATE, so never over the limit."""
        statement = (
            update(PromoCode)
            .where(
                PromoCode.shop_id == shop_id,
                PromoCode.id == promo_code_id,
                PromoCode.active.is_(True),
                or_(PromoCode.max_uses.is_(None), PromoCode.used_count < PromoCode.max_uses),
            )
            .values(used_count=PromoCode.used_count + 1)
            .returning(PromoCode.id)
            .execution_options(synchronize_session="fetch")
        )
        return (await self.session.execute(statement)).first() is not None

    async def give_back_use(self, shop_id: uuid.UUID, promo_code_id: uuid.UUID) -> None:
        statement = (
            update(PromoCode)
            .where(
                PromoCode.shop_id == shop_id,
                PromoCode.id == promo_code_id,
                PromoCode.used_count > 0,
            )
            .values(used_count=PromoCode.used_count - 1)
            .execution_options(synchronize_session="fetch")
        )
        await self.session.execute(statement)


class RedemptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, redemption: PromoRedemption) -> PromoRedemption:
        self.session.add(redemption)
        return redemption

    async def count_live(self, promo_code_id: uuid.UUID, customer_id: uuid.UUID) -> int:
        """Unreleased uses of a code by one customer."""
        query = (
            select(func.count())
            .select_from(PromoRedemption)
            .where(
                PromoRedemption.promo_code_id == promo_code_id,
                PromoRedemption.customer_id == customer_id,
                PromoRedemption.released_at.is_(None),
            )
        )
        return int(await self.session.scalar(query) or 0)

    async def live_for_order(
        self, shop_id: uuid.UUID, order_id: uuid.UUID
    ) -> PromoRedemption | None:
        query = (
            select(PromoRedemption)
            .where(
                PromoRedemption.shop_id == shop_id,
                PromoRedemption.order_id == order_id,
                PromoRedemption.released_at.is_(None),
            )
            .with_for_update()
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self, shop_id: uuid.UUID, promo_code_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[PromoRedemption], int]:
        where = (
            PromoRedemption.shop_id == shop_id,
            PromoRedemption.promo_code_id == promo_code_id,
        )
        total = await self.session.scalar(
            select(func.count()).select_from(PromoRedemption).where(*where)
        )
        query = (
            select(PromoRedemption)
            .where(*where)
            .order_by(PromoRedemption.redeemed_at.desc(), PromoRedemption.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def repoint_customer(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
    ) -> None:
        statement = (
            update(PromoRedemption)
            .where(PromoRedemption.shop_id == shop_id, PromoRedemption.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)
