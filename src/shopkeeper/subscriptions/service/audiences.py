"""Who is subscribed, who lapsed: customer ids for notifications' broadcast audiences."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription


async def live_subscriber_ids(
    session: AsyncSession, *, shop_id: uuid.UUID, product_id: uuid.UUID | None = None
) -> set[uuid.UUID]:
    """Customers with a live (trialing, active, past_due) subscription (to the plan if given)."""
    query = select(Subscription.customer_id).where(
        Subscription.shop_id == shop_id, Subscription.status.in_(LIVE_STATUSES)
    )
    if product_id is not None:
        query = query.where(Subscription.product_id == product_id)
    return set((await session.execute(query)).scalars())


async def lapsed_subscriber_ids(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    days: int,
    now: datetime,
    product_id: uuid.UUID | None = None,
) -> set[uuid.UUID]:
    """Customers whose subscription expired in the last `days` days and who hold no live one
    (of that plan when given, else of any plan)."""
    query = select(Subscription.customer_id).where(
        Subscription.shop_id == shop_id,
        Subscription.status == "expired",
        Subscription.ended_at >= now - timedelta(days=days),
        Subscription.ended_at <= now,
    )
    if product_id is not None:
        query = query.where(Subscription.product_id == product_id)
    lapsed = set((await session.execute(query)).scalars())
    return lapsed - await live_subscriber_ids(session, shop_id=shop_id, product_id=product_id)
