"""Which order a cart became (its latest finalisation)."""

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
