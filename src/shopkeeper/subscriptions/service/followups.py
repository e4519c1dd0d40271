"""What other contexts' events mean for subscriptions: a refunded order, merged customers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription
from shopkeeper.subscriptions.repository import PeriodRepository, SubscriptionRepository
from shopkeeper.subscriptions.service import plan_switch
from shopkeeper.subscriptions.service.common import end, record_period

log = structlog.get_logger(__name__)


async def undo_refunded_order(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> int:
    """A fully refunded order takes back what it bought, when that is still the latest time.

    If the order bought the current period, the subscription ends now (ended_reason
    refunded; SubscriptionEnded reason "revoked"). If it bought a period that has not begun
    (an early renewal), the end moves back to where it was. When something moved the end
    after this order (another payment, a gift), nothing changes: staff decide. An upgrade's
    order puts the subscription back on the plan it left. Returns how many subscriptions
    changed; a redelivery changes nothing.
    """
    if await plan_switch.undo_refunded_upgrade(
        session, shop_id=shop_id, order_id=order_id, now=now
    ):
        return 1  # an upgrade's order: the plan it left comes back (its end never moved)
    changed = 0
    repo = SubscriptionRepository(session)
    for period in await PeriodRepository(session).paid_by_order(shop_id, order_id):
        subscription = await repo.get(shop_id, period.subscription_id, for_update=True)
        if subscription is None or subscription.status not in LIVE_STATUSES:
            continue
        if subscription.period_end != period.new_end:
            log.info("subscriptions.refund_left_alone", subscription_id=str(subscription.id))
            continue
        previous = period.previous_end
        if previous is not None and previous > now:
            subscription.period_end, subscription.updated_at = previous, now
            record_period(session, subscription, kind="refund", previous_end=period.new_end,
                          now=now, order_id=order_id, periods=period.periods)  # fmt: skip
        else:
            end(session, subscription, status="canceled", reason="refunded",
                event_reason="revoked", at=now, now=now)  # fmt: skip
        changed += 1
    return changed


async def merge_customers(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    from_id: uuid.UUID,
    into_id: uuid.UUID,
    now: datetime,
) -> None:
    """The merged customer's subscriptions follow the survivor; for a plan both had live,
    the one ending later stays and the other ends (ended_reason merged, event "revoked")."""
    repo = SubscriptionRepository(session)
    by_plan: dict[uuid.UUID, list[Subscription]] = defaultdict(list)
    for subscription in await repo.live_of_customers(shop_id, [from_id, into_id]):
        by_plan[subscription.product_id].append(subscription)
    for subscriptions in by_plan.values():
        if len(subscriptions) < 2:
            continue
        keep = max(subscriptions, key=lambda s: (s.period_end, s.customer_id == into_id))
        for other in subscriptions:
            if other is not keep:
                other.customer_id = into_id
                end(session, other, status="canceled", reason="merged", event_reason="revoked",
                    at=now, now=now)  # fmt: skip
    await session.flush()  # ended before re-pointed: one live subscription per plan holds
    await repo.repoint_customer(shop_id, from_id, into_id)
