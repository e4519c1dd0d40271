"""Rows of checkout_order."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.finalize.models import CheckoutOrder


class CheckoutOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: CheckoutOrder) -> None:
        self.session.add(row)

    async def of_cart(self, shop_id: uuid.UUID, cart_id: uuid.UUID) -> CheckoutOrder | None:
        """The cart's latest finalisation."""
        stmt = select(CheckoutOrder).where(
            CheckoutOrder.shop_id == shop_id, CheckoutOrder.cart_id == cart_id
        )
        latest = stmt.order_by(CheckoutOrder.cart_version.desc()).limit(1)
        return await self.session.scalar(latest)

    async def of_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> CheckoutOrder | None:
        stmt = select(CheckoutOrder).where(
            CheckoutOrder.shop_id == shop_id, CheckoutOrder.order_id == order_id
        )
        return await self.session.scalar(stmt)
