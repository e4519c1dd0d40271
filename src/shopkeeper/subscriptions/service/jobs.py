"""The scheduled work: periods that ran out, grace that ran out, reminders before and after.

Every state change commits with its event (outbox) in the job's transaction, and the rows are
taken with FOR UPDATE SKIP LOCKED, so however many workers run, each change and its event
happen once. A reminder is claimed by inserting its unique (subscription, period end, kind)
row: whoever inserts it publishes SubscriptionReminderDue; everyone else finds it taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.kit.ids import new_id
from shopkeeper.subscriptions.events import SubscriptionPastDue, SubscriptionReminderDue
from shopkeeper.subscriptions.models import Subscription
from shopkeeper.subscriptions.periods import days_left
from shopkeeper.subscriptions.repository import SubscriptionRepository
from shopkeeper.subscriptions.service import plan_switch
from shopkeeper.subscriptions.service.common import end

BATCH = 500
EXPIRED_NOTICE_WINDOW = timedelta(days=3)  # an "expired" reminder later than this is not sent


async def expire_due(session: AsyncSession, *, now: datetime, limit: int = BATCH) -> int:
    """Scheduled plan changes due → applied; trials over → active; periods over → past_due
    (grace) or ended; grace over → expired.

    Returns how many subscriptions changed state (trials turning active not counted).
    """
    repo = SubscriptionRepository(session)
    changed = await plan_switch.apply_due(session, now=now, limit=limit)
    await repo.start_paid_periods(now)
    for subscription in await repo.period_over(now, limit):
        _period_over(session, subscription, now)
        changed += 1
    for subscription in await repo.grace_over(now, limit):
        assert subscription.grace_until is not None
        end(session, subscription, status="expired", reason="expired", event_reason="expired",
            at=subscription.grace_until, now=now)  # fmt: skip
        changed += 1
    await session.flush()
    return changed


def _period_over(session: AsyncSession, subscription: Subscription, now: datetime) -> None:
    """Canceled at period end → canceled; grace left → past_due; none → expired."""
    ended_at = subscription.period_end
    if subscription.cancel_at_period_end:
        end(session, subscription, status="canceled", reason="canceled", event_reason="expired",
            at=ended_at, now=now)  # fmt: skip
        return
    grace_until = ended_at + timedelta(days=subscription.grace_days)
    if grace_until <= now:
        end(session, subscription, status="expired", reason="expired", event_reason="expired",
            at=grace_until, now=now)  # fmt: skip
        return
    subscription.status, subscription.grace_until = "past_due", grace_until
    subscription.updated_at = now
    bus.publish(session, SubscriptionPastDue(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        grace_until=grace_until,
    ), now=now)  # fmt: skip


async def send_reminders(
    session: AsyncSession, *, now: datetime, offsets: Sequence[int], limit: int = BATCH
) -> int:
    """Claim and publish due reminders; returns how many this call sent.

    Offsets run from the smallest: a subscription already told "1 day left" for this period
    end is not told "3 days left" afterwards (a late job sends only the most urgent one).
    """
    repo = SubscriptionRepository(session)
    sent = 0
    for offset in sorted({o for o in offsets if o > 0}):
        for subscription in await repo.due_reminder(now, offset, limit):
            kind = f"before_{offset}d"
            sent += await _claim(session, repo, subscription, kind, offset, now)
    for subscription in await repo.just_ended(now, now - EXPIRED_NOTICE_WINDOW, limit):
        sent += await _claim(session, repo, subscription, "expired", None, now)
    return sent


async def _claim(
    session: AsyncSession,
    repo: SubscriptionRepository,
    subscription: Subscription,
    kind: str,
    offset: int | None,
    now: datetime,
) -> int:
    claimed = await repo.claim_reminder({
        "id": new_id(), "shop_id": subscription.shop_id, "subscription_id": subscription.id,
        "period_end": subscription.period_end, "kind": kind, "offset_days": offset,
        "sent_at": now,
    })  # fmt: skip
    if not claimed:
        return 0
    bus.publish(session, SubscriptionReminderDue(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        period_end=subscription.period_end, kind=kind,
        days_left=days_left(subscription.period_end, now),
    ), now=now)  # fmt: skip
    return 1
