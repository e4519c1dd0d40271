"""Which order a cart became, and which cart an order came from."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.finalize.repository import CheckoutOrderRepository
from shopkeeper.checkout.finalize.schemas import CheckoutOrderRead


async def order_of_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> CheckoutOrderRead | None:
    row = await CheckoutOrderRepository(session).of_cart(shop_id, cart_id)
    return None if row is None else CheckoutOrderRead.model_validate(row)


async def checkout_order_for(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> CheckoutOrderRead | None:
    row = await CheckoutOrderRepository(session).of_order(shop_id, order_id)
    return None if row is None else CheckoutOrderRead.model_validate(row)
