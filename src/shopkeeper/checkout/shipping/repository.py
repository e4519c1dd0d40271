"""SQL of shipping methods (every query filtered by shop)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.shipping.models import ShippingMethod


class ShippingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, method: ShippingMethod) -> None:
        self.session.add(method)

    async def delete(self, method: ShippingMethod) -> None:
        await self.session.delete(method)

    async def get(self, shop_id: uuid.UUID, method_id: uuid.UUID) -> ShippingMethod | None:
        stmt = select(ShippingMethod).where(
            ShippingMethod.id == method_id, ShippingMethod.shop_id == shop_id
        )
        return await self.session.scalar(stmt)

    async def get_by_code(self, shop_id: uuid.UUID, code: str) -> ShippingMethod | None:
        stmt = select(ShippingMethod).where(
            ShippingMethod.shop_id == shop_id, ShippingMethod.code == code
        )
        return await self.session.scalar(stmt)

    async def list_methods(
        self, shop_id: uuid.UUID, *, active_only: bool = False
    ) -> Sequence[ShippingMethod]:
        stmt = select(ShippingMethod).where(ShippingMethod.shop_id == shop_id)
        if active_only:
            stmt = stmt.where(ShippingMethod.active.is_(True))
        order = (ShippingMethod.position, ShippingMethod.name, ShippingMethod.code)
        return (await self.session.scalars(stmt.order_by(*order))).all()

    async def code_taken(
        self, shop_id: uuid.UUID, code: str, *, exclude: uuid.UUID | None = None
    ) -> bool:
        stmt = select(ShippingMethod.id).where(
            ShippingMethod.shop_id == shop_id, ShippingMethod.code == code
        )
        if exclude is not None:
            stmt = stmt.where(ShippingMethod.id != exclude)
        return await self.session.scalar(stmt.limit(1)) is not None
