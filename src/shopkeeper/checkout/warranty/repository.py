"""SQL of warranty offers (every query filtered by shop)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.warranty.models import WarrantyOffer


class WarrantyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, offer: WarrantyOffer) -> None:
        self.session.add(offer)

    async def delete(self, offer: WarrantyOffer) -> None:
        await self.session.delete(offer)

    async def get(self, shop_id: uuid.UUID, offer_id: uuid.UUID) -> WarrantyOffer | None:
        stmt = select(WarrantyOffer).where(
            WarrantyOffer.id == offer_id, WarrantyOffer.shop_id == shop_id
        )
        return await self.session.scalar(stmt)

    async def exists(self, product_id: uuid.UUID, variant_id: uuid.UUID) -> bool:
        stmt = select(WarrantyOffer.id).where(
            WarrantyOffer.product_id == product_id, WarrantyOffer.variant_id == variant_id
        )
        return await self.session.scalar(stmt.limit(1)) is not None

    async def list(
        self,
        shop_id: uuid.UUID,
        *,
        product_ids: Collection[uuid.UUID] | None = None,
        active_only: bool = False,
    ) -> Sequence[WarrantyOffer]:
        stmt = select(WarrantyOffer).where(WarrantyOffer.shop_id == shop_id)
        if product_ids is not None:
            stmt = stmt.where(WarrantyOffer.product_id.in_(list(product_ids)))
        if active_only:
            stmt = stmt.where(WarrantyOffer.active.is_(True))
        order = (WarrantyOffer.product_id, WarrantyOffer.months, WarrantyOffer.id)
        return (await self.session.scalars(stmt.order_by(*order))).all()
