"""Moving a subscription to its new plan: now, when an upgrade is paid, or when a scheduled
change is due (the expiry job). The period end stays; SubscriptionPlanChanged tells access to
swap what it grants.

If the customer meanwhile holds a live subscription of the new plan of their own (a gift),
the moving one cannot become a second live one of that plan: it ends instead (ended_reason
"replaced"; SubscriptionEnded "expired") and the other carries on.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.subscriptions.events import (
    SubscriptionPlanChanged,
    SubscriptionPlanChangeScheduled,
)
from shopkeeper.subscriptions.models import LIVE_STATUSES, PlanChange, Subscription
from shopkeeper.subscriptions.plan_repository import PlanChangeRepository
from shopkeeper.subscriptions.service.common import end, plan_terms, record_period

log = structlog.get_logger(__name__)
BATCH = 500


async def switch(
    session: AsyncSession,
    subscription: Subscription,
    change: PlanChange,
    now: datetime,
    *,
    order_id: uuid.UUID | None = None,
) -> None:
    """Apply `change` to the locked `subscription` (its end kept) and mark it applied."""
    repo = PlanChangeRepository(session)
    target = change.to_product_id
    subscription.pending_product_id = subscription.pending_from = None
    change.status, change.applied_at, change.updated_at = "applied", now, now
    if await repo.live(subscription.shop_id, subscription.customer_id, target) is not None:
        end(session, subscription, status="canceled", reason="replaced", event_reason="expired",
            at=now, now=now)  # fmt: skip
        return
    terms = await plan_terms(session, subscription.shop_id, target)
    subscription.product_id, subscription.grace_days = target, terms.grace_days
    subscription.updated_at = now
    await session.flush()
    if order_id is not None:
        record_period(session, subscription, kind="payment", previous_end=subscription.period_end,
                      now=now, order_id=order_id)  # fmt: skip
    bus.publish(session, SubscriptionPlanChanged(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, from_product_id=change.from_product_id,
        to_product_id=target, period_end=subscription.period_end,
        direction=change.direction, order_id=order_id,
    ), now=now)  # fmt: skip


async def settle_paid_order(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """An upgrade's order was paid: switch now. Returns the subscription's id when the order
    was a plan change's (a redelivery changes nothing), None when it is not one."""
    repo = PlanChangeRepository(session)
    change = await repo.by_order(shop_id, order_id)
    if change is None:
        return None
    if change.status != "awaiting_payment":
        if change.status == "canceled":
            log.warning("subscriptions.plan_change_paid_after_cancel", order_id=str(order_id),
                        reason=change.cancel_reason)  # fmt: skip
        return change.subscription_id
    subscription = await repo.get(shop_id, change.subscription_id, for_update=True)
    assert subscription is not None
    if subscription.status not in LIVE_STATUSES:
        cancel(change, "the subscription ended before the payment", now)
    elif subscription.product_id != change.from_product_id:
        cancel(change, "the subscription changed plan before the payment", now)
    else:
        await switch(session, subscription, change, now, order_id=order_id)
    return subscription.id


async def undo_refunded_upgrade(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> bool:
    """A refunded upgrade's order: back to the plan it left, when nothing moved since (True
    when the order was a plan change's, whatever was done)."""
    repo = PlanChangeRepository(session)
    change = await repo.by_order(shop_id, order_id)
    if change is None:
        return False
    subscription = await repo.get(shop_id, change.subscription_id, for_update=True)
    if (
        change.status != "applied" or subscription is None
        or subscription.status not in LIVE_STATUSES
        or subscription.product_id != change.to_product_id
        or await repo.holds_live(shop_id, subscription.customer_id, change.from_product_id)
    ):  # fmt: skip
        return True  # something moved since: staff decide
    terms = await plan_terms(session, shop_id, change.from_product_id)
    subscription.product_id, subscription.grace_days = change.from_product_id, terms.grace_days
    subscription.updated_at = now
    cancel(change, "the order was refunded", now)
    bus.publish(session, SubscriptionPlanChanged(
        subscription_id=subscription.id, shop_id=shop_id, customer_id=subscription.customer_id,
        from_product_id=change.to_product_id, to_product_id=change.from_product_id,
        period_end=subscription.period_end, direction="downgrade", order_id=order_id,
    ), now=now)  # fmt: skip
    return True


async def order_closed(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, reason: str, now: datetime
) -> None:
    """An upgrade's order was cancelled or expired unpaid: the upgrade is off."""
    change = await PlanChangeRepository(session).by_order(shop_id, order_id)
    if change is not None and change.status == "awaiting_payment":
        cancel(change, f"the order was cancelled ({reason})", now)


async def apply_due(session: AsyncSession, *, now: datetime, limit: int = BATCH) -> int:
    """Scheduled changes whose date has come (the expiry job, before periods run out)."""
    repo = PlanChangeRepository(session)
    await repo.close_orphans(now)
    applied = 0
    for subscription in await repo.due_switches(now, limit):
        change = await repo.open_change(subscription.shop_id, subscription.id)
        if change is None or change.status != "scheduled":  # out of step: clear the mark
            subscription.pending_product_id = subscription.pending_from = None
            continue
        await switch(session, subscription, change, now)
        applied += 1
    await session.flush()
    return applied


def cancel(change: PlanChange, reason: str, now: datetime) -> None:
    change.status, change.cancel_reason, change.updated_at = "canceled", reason[:200], now


async def drop_pending(
    session: AsyncSession, subscription: Subscription, reason: str, now: datetime
) -> None:
    """Take back the scheduled change of the locked subscription (the current plan was paid
    for again: paying means staying on it)."""
    if subscription.pending_product_id is None:
        return
    change = await PlanChangeRepository(session).open_change(subscription.shop_id, subscription.id)
    bus.publish(session, SubscriptionPlanChangeScheduled(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, from_product_id=subscription.product_id,
        to_product_id=subscription.pending_product_id,
        effective_at=subscription.pending_from or subscription.period_end,
        direction=change.direction if change else "downgrade", undone=True,
    ), now=now)  # fmt: skip
    if change is not None:
        cancel(change, reason, now)
    subscription.pending_product_id = subscription.pending_from = None
