"""Upgrades and downgrades: preview, change, undo.

Two rules per shop (`plan_rules`): an upgrade (a plan dearer per day) is "immediate_prorated"
— an order of the new plan for the difference over the remaining time (`proration`); when it
is paid the subscription switches at once, keeping its end — or "at_period_end"; a downgrade
is "at_period_end" (scheduled: `pending_product_id` from `pending_from`, applied by the expiry
job, undone with `undo_change`) or "immediate" (switched now, nothing refunded). Nothing to
pay (a zero charge) switches at once too.

Refused: the same plan (422), a plan without a price in the subscription's currency (422), a
subscription that ended (409) or is past due (409), one with another change open (409, so two
concurrent requests make one order), one renewing through a provider's own subscription
(Stripe: that subscription would go on charging the old price; cancel at period end and buy
the new plan instead), a change at period end of one canceled at period end, and a plan the
customer already holds live.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, orders, payments
from shopkeeper.audit import Actor
from shopkeeper.subscriptions.errors import (
    PlanChangeNotFound,
    PlanChangePending,
    PlanChangeRefused,
    SubscriptionAlreadyPastDue,
    SubscriptionNotFound,
)
from shopkeeper.subscriptions.events import SubscriptionPlanChangeScheduled
from shopkeeper.subscriptions.models import PlanChange, Subscription
from shopkeeper.subscriptions.plan_repository import PlanChangeRepository
from shopkeeper.subscriptions.schemas import (
    DowngradeRule,
    PlanChangeOutcome,
    PlanChangePreview,
    PlanChangeRead,
    UpgradeRule,
)
from shopkeeper.subscriptions.service.common import locked, record_audit, require_live, snapshot
from shopkeeper.subscriptions.service.common import to_read as subscription_read
from shopkeeper.subscriptions.service.plan_quote import UPGRADE, Quote, quote
from shopkeeper.subscriptions.service.plan_rules import get_plan_change_rules
from shopkeeper.subscriptions.service.plan_switch import cancel, switch

PLAN_CHANGE_SOURCE = "plan_change"


async def preview_change(
    session: AsyncSession,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    new_product_id: uuid.UUID,
    now: datetime,
    *,
    customer_id: uuid.UUID | None = None,
) -> PlanChangePreview:
    """What `change_plan` would do now, changing nothing (the same errors)."""
    repo = PlanChangeRepository(session)
    subscription = await repo.get(shop_id, subscription_id)
    subscription = _check(subscription, customer_id)
    await _check_open(repo, subscription, lock=False)
    found, timing = await _decide(session, subscription, new_product_id, now)
    return _preview(subscription, found, timing, now)


async def change_plan(
    session: AsyncSession,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    new_product_id: uuid.UUID,
    now: datetime,
    *,
    customer_id: uuid.UUID | None = None,
    actor: Actor | None = None,
) -> PlanChangeOutcome:
    """Move the subscription to `new_product_id` by the shop's rules (see the module doc)."""
    repo = PlanChangeRepository(session)
    subscription = _check(await locked(session, shop_id, subscription_id), customer_id)
    await _check_open(repo, subscription)
    found, timing = await _decide(session, subscription, new_product_id, now)
    before = snapshot(subscription)
    change = repo.add(_row(subscription, found, timing, actor, now))
    if timing == "period_end":
        _schedule(session, subscription, change, now)
    elif change.charge > 0:
        change.order_id = await _place_order(session, subscription, found, now, actor)
    else:  # an immediate downgrade, or an upgrade with nothing left to pay
        await switch(session, subscription, change, now)
    await session.flush()
    await record_audit(session, actor, subscription, "subscription.plan_change_requested",
                       before, now)  # fmt: skip
    return PlanChangeOutcome(
        change=PlanChangeRead.model_validate(change), subscription=subscription_read(subscription)
    )


async def undo_change(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    now: datetime,
    customer_id: uuid.UUID | None = None,
    actor: Actor | None = None,
) -> PlanChangeRead:
    """Take back the open change: a scheduled one is unscheduled, an unpaid upgrade's order
    is cancelled. PlanChangeNotFound when none is open."""
    repo = PlanChangeRepository(session)
    subscription = _check(await locked(session, shop_id, subscription_id), customer_id)
    change = await repo.open_change(shop_id, subscription.id)
    if change is None:
        raise PlanChangeNotFound()
    before = snapshot(subscription)
    cancel(change, "undone", now)
    if change.order_id is not None:
        await orders.cancel_order(session, shop_id=shop_id, order_id=change.order_id,
                                  reason="plan change undone", now=now)  # fmt: skip
    if subscription.pending_product_id is not None:
        _publish_scheduled(session, subscription, change, undone=True, now=now)
        subscription.pending_product_id = subscription.pending_from = None
        subscription.updated_at = now
    await session.flush()
    await record_audit(session, actor, subscription, "subscription.plan_change_undone", before,
                       now)  # fmt: skip
    return PlanChangeRead.model_validate(change)


async def list_plan_changes(
    session: AsyncSession, *, shop_id: uuid.UUID, subscription_id: uuid.UUID
) -> list[PlanChangeRead]:
    """The subscription's plan changes, newest first."""
    rows = await PlanChangeRepository(session).history(shop_id, subscription_id)
    return [PlanChangeRead.model_validate(row) for row in rows]


def _check(subscription: Subscription | None, customer_id: uuid.UUID | None) -> Subscription:
    if subscription is None or (
        customer_id is not None and subscription.customer_id != customer_id
    ):
        raise SubscriptionNotFound()
    require_live(subscription)
    if subscription.status == "past_due":
        raise SubscriptionAlreadyPastDue()
    if subscription.renewal == "auto" and (
        subscription.renewal_provider in payments.subscription_providers()
    ):
        raise PlanChangeRefused(
            f"This subscription renews through {subscription.renewal_provider}'s own "
            "subscription, which would go on charging the old price: cancel it at period end "
            "and buy the new plan instead"
        )
    return subscription


async def _check_open(
    repo: PlanChangeRepository, subscription: Subscription, *, lock: bool = True
) -> None:
    found = await repo.open_change(subscription.shop_id, subscription.id, lock=lock)
    if found is not None:
        raise PlanChangePending(found.status)


async def _decide(
    session: AsyncSession, subscription: Subscription, product_id: uuid.UUID, now: datetime
) -> tuple[Quote, str]:
    found = await quote(session, subscription, product_id, now)
    rules = await get_plan_change_rules(session, shop_id=subscription.shop_id)
    if found.direction == UPGRADE:
        later = rules.upgrade is UpgradeRule.AT_PERIOD_END
    else:
        later = rules.downgrade is DowngradeRule.AT_PERIOD_END
    repo = PlanChangeRepository(session)
    if await repo.holds_live(subscription.shop_id, subscription.customer_id, product_id):
        raise PlanChangeRefused("The customer already has a live subscription to that plan")
    if later and subscription.cancel_at_period_end:
        raise PlanChangeRefused(
            "The subscription ends at its period end; resume it before scheduling a change"
        )
    return found, "period_end" if later else "now"


def _paid_now(found: Quote, timing: str) -> bool:
    return timing == "now" and found.direction == UPGRADE


def _preview(
    subscription: Subscription, found: Quote, timing: str, now: datetime
) -> PlanChangePreview:
    paid = _paid_now(found, timing)
    proration = found.proration
    return PlanChangePreview(
        subscription_id=subscription.id, from_product_id=subscription.product_id,
        to_product_id=found.product_id, direction=found.direction,
        timing=timing, effective_at=now if timing == "now" else subscription.period_end,
        period_end=subscription.period_end, currency=found.currency,
        credit=proration.credit if paid else 0, cost=proration.cost if paid else 0,
        charge=proration.charge if paid else 0, payment_required=paid and proration.charge > 0,
    )  # fmt: skip


def _row(
    subscription: Subscription, found: Quote, timing: str, actor: Actor | None, now: datetime
) -> PlanChange:
    paid = _paid_now(found, timing)
    return PlanChange(
        shop_id=subscription.shop_id, subscription_id=subscription.id,
        from_product_id=subscription.product_id, to_product_id=found.product_id,
        direction=found.direction, timing=timing,
        status="scheduled" if timing == "period_end" else "awaiting_payment",
        currency=found.currency, credit=found.proration.credit if paid else 0,
        charge=found.proration.charge if paid else 0,
        actor_label=actor.label[:320] if actor else None, created_at=now, updated_at=now,
    )  # fmt: skip


def _schedule(
    session: AsyncSession, subscription: Subscription, change: PlanChange, now: datetime
) -> None:
    subscription.pending_product_id = change.to_product_id
    subscription.pending_from, subscription.updated_at = subscription.period_end, now
    _publish_scheduled(session, subscription, change, undone=False, now=now)


def _publish_scheduled(
    session: AsyncSession,
    subscription: Subscription,
    change: PlanChange,
    *,
    undone: bool,
    now: datetime,
) -> None:
    bus.publish(session, SubscriptionPlanChangeScheduled(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, from_product_id=change.from_product_id,
        to_product_id=change.to_product_id,
        effective_at=subscription.pending_from or subscription.period_end,
        direction=change.direction, undone=undone,
    ), now=now)  # fmt: skip


async def _place_order(
    session: AsyncSession, subscription: Subscription, found: Quote, now: datetime,
    actor: Actor | None,
) -> uuid.UUID:  # fmt: skip
    """The upgrade's order: the new plan, less what makes it total the charge."""
    proration = found.proration
    placed = await orders.place_order(
        session, shop_id=subscription.shop_id, customer_id=subscription.customer_id,
        currency=found.currency,
        items=[orders.OrderItemIn(variant_id=found.variant_id, quantity=proration.quantity)],
        discounts={found.variant_id: proration.discount}, source=PLAN_CHANGE_SOURCE, now=now,
        actor=actor,
    )  # fmt: skip
    return placed.id
