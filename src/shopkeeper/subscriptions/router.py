"""HTTP: /api/v1/shops/{shop}/subscriptions — read (subscriptions.read), change (….write)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require
from shopkeeper.subscriptions.schemas import (
    ExtendIn,
    GiftIn,
    SubscriptionDetail,
    SubscriptionRead,
    SubscriptionStatus,
)
from shopkeeper.subscriptions.service import changes, purchases, reads

router = APIRouter(prefix="/api/v1/shops/{shop}/subscriptions", tags=["subscriptions"])
Read = Annotated[ShopAccess, require("subscriptions.read")]
Write = Annotated[ShopAccess, require("subscriptions.write")]


@router.get("")
async def list_subscriptions(
    session: SessionDep,
    clock: ClockDep,
    access: Read,
    plan: Annotated[uuid.UUID | None, Query(description="the plan's product id")] = None,
    status: SubscriptionStatus | None = None,
    customer: uuid.UUID | None = None,
    expiring_within_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[SubscriptionRead]:
    """Newest first; with `expiring_within_days`, running ones ending by then, soonest first."""
    return await reads.list_subscriptions(
        session, shop_id=access.shop.id, now=clock.now(), product_id=plan, status=status,
        customer_id=customer, expiring_within_days=expiring_within_days, limit=limit,
        offset=offset,
    )  # fmt: skip


@router.post("/gift", status_code=status.HTTP_201_CREATED)
async def gift(
    data: GiftIn, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """Start, or lengthen, the customer's subscription to the plan without payment."""
    return await purchases.gift(
        session, shop_id=access.shop.id, product_id=data.product_id,
        customer_id=data.customer_id, days=data.days, periods=data.periods, now=clock.now(),
        actor=access.actor,
    )  # fmt: skip


@router.get("/{subscription_id}")
async def get_subscription(
    subscription_id: uuid.UUID, session: SessionDep, access: Read
) -> SubscriptionDetail:
    """The subscription with the history of its end (payments, gifts, extensions, refunds)."""
    return await reads.get_subscription(
        session, shop_id=access.shop.id, subscription_id=subscription_id
    )


@router.post("/{subscription_id}/extend")
async def extend(
    subscription_id: uuid.UUID, data: ExtendIn, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """Move the end `days` later, counted from the current end."""
    return await changes.extend(
        session, shop_id=access.shop.id, subscription_id=subscription_id, days=data.days,
        now=clock.now(), actor=access.actor,
    )  # fmt: skip


@router.post("/{subscription_id}/revoke")
async def revoke(
    subscription_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """End it now; access granted by it is withdrawn."""
    return await changes.revoke(
        session, shop_id=access.shop.id, subscription_id=subscription_id, now=clock.now(),
        actor=access.actor,
    )  # fmt: skip


@router.post("/{subscription_id}/cancel")
async def cancel(
    subscription_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """End it at the period end instead of going past due."""
    return await changes.cancel_at_period_end(
        session, shop_id=access.shop.id, subscription_id=subscription_id, now=clock.now(),
        actor=access.actor,
    )  # fmt: skip


@router.post("/{subscription_id}/resume")
async def resume(
    subscription_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """Take back a scheduled cancellation."""
    return await changes.undo_cancel(
        session, shop_id=access.shop.id, subscription_id=subscription_id, now=clock.now(),
        actor=access.actor,
    )  # fmt: skip
