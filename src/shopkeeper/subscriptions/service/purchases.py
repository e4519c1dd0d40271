"""Getting time on a plan: paying for it (OrderPaid) or receiving it as a gift from staff.

Trial (kept simple): when a payment arrives for a plan with `trial_days` > 0 and the customer
never had a subscription to it, the trial comes first and the paid periods after it:
`trial_end = now + trial_days`, `period_end = trial_end + periods`, status trialing until
`trial_end` (the expiry job then makes it active). Gifts and later purchases get no trial.

Extending: a payment moves the end from the current end, not from now (paying early loses
nothing; a past-due customer's grace is not free). A gift counts from the later of the
current end and now. A payment also takes back a scheduled cancellation.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.audit import Actor
from shopkeeper.subscriptions.events import SubscriptionCancelScheduled
from shopkeeper.subscriptions.models import Subscription
from shopkeeper.subscriptions.plan_repository import PlanChangeRepository
from shopkeeper.subscriptions.repository import PeriodRepository, SubscriptionRepository
from shopkeeper.subscriptions.schemas import SubscriptionRead
from shopkeeper.subscriptions.service import plan_switch
from shopkeeper.subscriptions.service.common import (
    Terms,
    insert_or_lock,
    move_end,
    new_values,
    plan_terms,
    publish_renewed,
    publish_started,
    record_audit,
    record_period,
    snapshot,
    survivor,
    to_read,
)


async def start_or_extend(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    product_id: uuid.UUID,
    order_id: uuid.UUID,
    periods: int,
    now: datetime,
) -> SubscriptionRead:
    """Order `order_id` paid for `periods` periods of the plan: start or extend; once per order."""
    if periods < 1:
        raise ValueError("periods must be positive")
    terms = await plan_terms(session, shop_id, product_id)
    customer_id = await survivor(session, shop_id, customer_id)
    if (done := await _paid_before(session, shop_id, order_id, product_id)) is not None:
        return done
    repo = SubscriptionRepository(session)
    subscription = await repo.live(shop_id, customer_id, product_id)
    if subscription is None and (
        moving := await PlanChangeRepository(session).moving_to(shop_id, customer_id, product_id)
    ):
        return await _pay_next_plan(session, moving, product_id, terms, order_id, periods, now)
    if subscription is None:
        values = await _paid_start(repo, shop_id, customer_id, product_id, terms, periods, now)
        subscription = await insert_or_lock(session, values)
        if subscription.id == values["id"]:
            record_period(session, subscription, kind="payment", previous_end=None, now=now,
                          order_id=order_id, periods=periods)  # fmt: skip
            publish_started(session, subscription, order_id, now)
            return to_read(subscription)
    if (done := await _paid_before(session, shop_id, order_id, product_id)) is not None:
        return done  # a concurrent delivery of the same order got here first
    previous = subscription.period_end
    new_end = terms.after(previous, periods)
    move_end(subscription, new_end if new_end > now else terms.after(now, periods), now)
    subscription.grace_days = terms.grace_days
    _keep_on_payment(session, subscription, now)
    await plan_switch.drop_pending(session, subscription, "the current plan was paid again", now)
    record_period(session, subscription, kind="payment", previous_end=previous, now=now,
                  order_id=order_id, periods=periods)  # fmt: skip
    publish_renewed(session, subscription, order_id, "payment", now)
    return to_read(subscription)


async def _pay_next_plan(
    session: AsyncSession,
    subscription: Subscription,
    product_id: uuid.UUID,
    terms: Terms,
    order_id: uuid.UUID,
    periods: int,
    now: datetime,
) -> SubscriptionRead:
    """The plan the subscription is scheduled to move to was paid ahead: its periods follow the
    current end; the move itself stays at `pending_from`."""
    shop_id = subscription.shop_id
    if (done := await _paid_before(session, shop_id, order_id, product_id)) is not None:
        return done  # a concurrent delivery of the same order got here first
    previous = subscription.period_end
    new_end = terms.after(previous, periods)
    move_end(subscription, new_end if new_end > now else terms.after(now, periods), now,
             carry_pending=False)  # fmt: skip
    _keep_on_payment(session, subscription, now)
    record_period(session, subscription, kind="payment", previous_end=previous, now=now,
                  order_id=order_id, periods=periods, product_id=product_id)  # fmt: skip
    publish_renewed(session, subscription, order_id, "payment", now)
    return to_read(subscription)


async def _paid_before(
    session: AsyncSession, shop_id: uuid.UUID, order_id: uuid.UUID, product_id: uuid.UUID
) -> SubscriptionRead | None:
    """The subscription this order already paid for (a redelivered OrderPaid), if any."""
    period = await PeriodRepository(session).paid_by(order_id, product_id)
    if period is None:
        return None
    found = await SubscriptionRepository(session).get(shop_id, period.subscription_id)
    return None if found is None else to_read(found)


async def _paid_start(
    repo: SubscriptionRepository,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    product_id: uuid.UUID,
    terms: Terms,
    periods: int,
    now: datetime,
) -> dict[str, Any]:
    """A new subscription's row, the trial first for a first-time subscriber of a trial plan."""
    trial_end = None
    if terms.trial_days > 0 and not await repo.ever_had(shop_id, customer_id, product_id):
        trial_end = now + timedelta(days=terms.trial_days)
    return new_values(
        shop_id=shop_id, customer_id=customer_id, product_id=product_id,
        period_end=terms.after(trial_end or now, periods), grace_days=terms.grace_days, now=now,
        trial_end=trial_end,
    )  # fmt: skip


def _keep_on_payment(session: AsyncSession, subscription: Subscription, now: datetime) -> None:
    """Paying again means staying: a scheduled cancellation is taken back."""
    if not subscription.cancel_at_period_end:
        return
    subscription.cancel_at_period_end, subscription.cancel_requested_at = False, None
    bus.publish(session, SubscriptionCancelScheduled(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        period_end=subscription.period_end, undone=True,
    ), now=now)  # fmt: skip


async def gift(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    customer_id: uuid.UUID,
    days: int | None = None,
    periods: int | None = None,
    now: datetime,
    actor: Actor | None = None,
) -> SubscriptionRead:
    """Give `days` or `periods` of the plan without payment: start or lengthen (no trial)."""
    if (days is None) == (periods is None) or (days or periods or 0) < 1:
        raise ValueError("give exactly one of days or periods, a positive number")
    terms = await plan_terms(session, shop_id, product_id)
    customer_id = await survivor(session, shop_id, customer_id)

    def after(moment: datetime) -> datetime:
        return moment + timedelta(days=days) if days else terms.after(moment, periods or 0)

    subscription = await SubscriptionRepository(session).live(shop_id, customer_id, product_id)
    if subscription is None:
        values = new_values(
            shop_id=shop_id, customer_id=customer_id, product_id=product_id,
            period_end=after(now), grace_days=terms.grace_days, now=now,
        )  # fmt: skip
        subscription = await insert_or_lock(session, values)
        started = subscription.id == values["id"]  # else a concurrent purchase started it
    else:
        started = False
    before = None if started else snapshot(subscription)
    previous = None if started else subscription.period_end
    if previous is None:
        publish_started(session, subscription, None, now)
    else:
        move_end(subscription, after(max(previous, now)), now)
        publish_renewed(session, subscription, None, "gift", now)
    record_period(session, subscription, kind="gift", previous_end=previous, now=now,
                  periods=periods, days=days, actor=actor)  # fmt: skip
    await record_audit(session, actor, subscription, "subscription.gifted", before, now)
    return to_read(subscription)
