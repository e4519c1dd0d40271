"""Who has paid: customer ids for notifications' broadcast audiences ("never paid")."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.orders.models import Order


async def paying_customer_ids(session: AsyncSession, *, shop_id: uuid.UUID) -> set[uuid.UUID]:
    """Customers of the shop with at least one paid order (refunded or not)."""
    query = (
        select(Order.customer_id)
        .where(Order.shop_id == shop_id, Order.paid_at.is_not(None), Order.customer_id.is_not(None))
        .distinct()
    )
    return {c for c in (await session.execute(query)).scalars() if c is not None}
