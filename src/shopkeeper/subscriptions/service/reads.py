"""Reading subscriptions: one with its history, a shop's page, a customer's, "has access?"."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.kit.pagination import Page
from shopkeeper.subscriptions.errors import SubscriptionNotFound
from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription
from shopkeeper.subscriptions.periods import days_left
from shopkeeper.subscriptions.repository import (
    AUTO_RENEWAL_ALLOWANCE,
    RUNNING,
    PeriodRepository,
    SubscriptionRepository,
)
from shopkeeper.subscriptions.schemas import (
    CustomerSubscription,
    PeriodRead,
    SubscriptionDetail,
    SubscriptionRead,
    SubscriptionStatus,
)
from shopkeeper.subscriptions.service.common import to_read


async def get_subscription(
    session: AsyncSession, *, shop_id: uuid.UUID, subscription_id: uuid.UUID
) -> SubscriptionDetail:
    """The subscription and how its end moved; another shop's is SubscriptionNotFound."""
    subscription = await SubscriptionRepository(session).get(shop_id, subscription_id)
    if subscription is None:
        raise SubscriptionNotFound()
    history = await PeriodRepository(session).history(shop_id, subscription_id)
    return SubscriptionDetail(
        **to_read(subscription).model_dump(),
        history=[PeriodRead.model_validate(p) for p in history],
    )


async def list_subscriptions(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    now: datetime,
    product_id: uuid.UUID | None = None,
    status: SubscriptionStatus | None = None,
    customer_id: uuid.UUID | None = None,
    expiring_within_days: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[SubscriptionRead]:
    """Newest first; `expiring_within_days`: running ones ending by then, soonest first."""
    where: list[Any] = []
    if product_id is not None:
        where.append(Subscription.product_id == product_id)
    if status is not None:
        where.append(Subscription.status == status.value)
    if customer_id is not None:
        where.append(Subscription.customer_id == customer_id)
    if expiring_within_days is not None:
        where.append(Subscription.status.in_(RUNNING))
        where.append(Subscription.period_end > now)
        where.append(Subscription.period_end <= now + timedelta(days=expiring_within_days))
    rows, total = await SubscriptionRepository(session).page(
        shop_id, where=where, by_end=expiring_within_days is not None, limit=limit,
        offset=offset,
    )  # fmt: skip
    items = [to_read(s) for s in rows]
    return Page[SubscriptionRead](items=items, total=total, limit=limit, offset=offset)


async def list_customer_subscriptions(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    now: datetime,
    include_ended: bool = False,
) -> list[CustomerSubscription]:
    """The customer's live subscriptions (all with `include_ended`), latest end first."""
    rows = await SubscriptionRepository(session).for_customer(
        shop_id, customer_id, live_only=not include_ended
    )
    titles: dict[uuid.UUID, str] = {}
    for row in rows:
        if row.product_id not in titles:
            titles[row.product_id] = await _title(session, shop_id, row.product_id)
    return [_customer_view(row, titles[row.product_id], now) for row in rows]


def _customer_view(row: Subscription, title: str, now: datetime) -> CustomerSubscription:
    return CustomerSubscription(
        id=row.id, product_id=row.product_id, plan_title=title,
        status=SubscriptionStatus(row.status), period_end=row.period_end,
        days_left=days_left(row.period_end, now) if row.status in RUNNING else 0,
        trial_end=row.trial_end, grace_until=row.grace_until,
        cancel_at_period_end=row.cancel_at_period_end,
        pending_product_id=row.pending_product_id, pending_from=row.pending_from,
    )  # fmt: skip


async def _title(session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID) -> str:
    try:
        product = await catalog.get_product(session, shop_id=shop_id, product_id=product_id)
    except catalog.ProductNotFound:
        return ""
    return product.name


async def has_active(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    product_id: uuid.UUID,
    now: datetime | None = None,
) -> bool:
    """Whether the customer may use the plan: trialing or active, or past due within grace.

    With `now`, the times are checked too (the expiry job runs once a minute).
    """
    repo = SubscriptionRepository(session)
    where: list[Any] = [
        Subscription.customer_id == customer_id,
        Subscription.product_id == product_id,
        Subscription.status.in_(LIVE_STATUSES),
    ]
    if now is not None:
        renewing = and_(  # an automatic renewal may land a little after the end
            Subscription.renewal == "auto",
            Subscription.cancel_at_period_end.is_(False),
            Subscription.period_end > now - AUTO_RENEWAL_ALLOWANCE,
        )
        running = and_(
            Subscription.status.in_(RUNNING), or_(Subscription.period_end > now, renewing)
        )
        grace = and_(Subscription.status == "past_due", Subscription.grace_until > now)
        where.append(or_(running, grace))
    return await repo.any(shop_id, where=where)
