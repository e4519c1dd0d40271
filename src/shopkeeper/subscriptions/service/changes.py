"""Changing a live subscription: extend, revoke, cancel at period end (and undo), renewal mode.

Each locks the subscription's row first, so two staff actions, or one and the expiry job, are
decided one after the other. A customer-facing caller (a bot) passes `customer_id`: another
customer's subscription is then SubscriptionNotFound.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.audit import Actor
from shopkeeper.subscriptions.errors import SubscriptionAlreadyPastDue, SubscriptionNotFound
from shopkeeper.subscriptions.events import SubscriptionCancelScheduled
from shopkeeper.subscriptions.models import Subscription
from shopkeeper.subscriptions.schemas import RenewalMode, SubscriptionRead
from shopkeeper.subscriptions.service.common import (
    end,
    locked,
    move_end,
    publish_renewed,
    record_audit,
    record_period,
    require_live,
    snapshot,
    to_read,
)


async def _live(
    session: AsyncSession,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    customer_id: uuid.UUID | None = None,
) -> Subscription:
    subscription = await locked(session, shop_id, subscription_id)
    if customer_id is not None and subscription.customer_id != customer_id:
        raise SubscriptionNotFound()
    require_live(subscription)
    return subscription


async def extend(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    days: int,
    now: datetime,
    actor: Actor | None = None,
) -> SubscriptionRead:
    """Move the end `days` later (from the current end); an ended one is SubscriptionNotLive."""
    if days < 1:
        raise ValueError("days must be positive")
    subscription = await _live(session, shop_id, subscription_id)
    before, previous = snapshot(subscription), subscription.period_end
    move_end(subscription, previous + timedelta(days=days), now)
    record_period(session, subscription, kind="extension", previous_end=previous, now=now,
                  days=days, actor=actor)  # fmt: skip
    publish_renewed(session, subscription, None, "extension", now)
    await record_audit(session, actor, subscription, "subscription.extended", before, now)
    return to_read(subscription)


async def revoke(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    now: datetime,
    actor: Actor | None = None,
) -> SubscriptionRead:
    """End it now (status canceled, ended_reason revoked): SubscriptionEnded(reason="revoked")."""
    subscription = await _live(session, shop_id, subscription_id)
    before = snapshot(subscription)
    end(session, subscription, status="canceled", reason="revoked", event_reason="revoked",
        at=now, now=now)  # fmt: skip
    await record_audit(session, actor, subscription, "subscription.revoked", before, now)
    return to_read(subscription)


async def cancel_at_period_end(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    now: datetime,
    customer_id: uuid.UUID | None = None,
    actor: Actor | None = None,
) -> SubscriptionRead:
    """Stop at the period end instead of going past due; asking twice changes nothing."""
    subscription = await _live(session, shop_id, subscription_id, customer_id)
    if subscription.status == "past_due":
        raise SubscriptionAlreadyPastDue()
    if not subscription.cancel_at_period_end:
        before = snapshot(subscription)
        subscription.cancel_at_period_end, subscription.cancel_requested_at = True, now
        subscription.updated_at = now
        _publish_cancel(session, subscription, undone=False, now=now)
        await record_audit(session, actor, subscription, "subscription.cancel_scheduled", before,
                           now)  # fmt: skip
    return to_read(subscription)


async def undo_cancel(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    now: datetime,
    customer_id: uuid.UUID | None = None,
    actor: Actor | None = None,
) -> SubscriptionRead:
    """Take a scheduled cancellation back while the period runs; none scheduled: no change."""
    subscription = await _live(session, shop_id, subscription_id, customer_id)
    if subscription.cancel_at_period_end:
        before = snapshot(subscription)
        subscription.cancel_at_period_end, subscription.cancel_requested_at = False, None
        subscription.updated_at = now
        _publish_cancel(session, subscription, undone=True, now=now)
        await record_audit(session, actor, subscription, "subscription.cancel_undone", before, now)
    return to_read(subscription)


def _publish_cancel(
    session: AsyncSession, subscription: Subscription, *, undone: bool, now: datetime
) -> None:
    bus.publish(session, SubscriptionCancelScheduled(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        period_end=subscription.period_end, undone=undone,
    ), now=now)  # fmt: skip


async def record_renewal_reference(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    subscription_id: uuid.UUID,
    provider: str | None,
    reference: str | None,
    now: datetime,
) -> SubscriptionRead:
    """Renew automatically through `provider`'s `reference` (a gateway subscription or saved
    method); both None: back to manual renewal (reminders). Only recorded: payments charges."""
    subscription = await _live(session, shop_id, subscription_id)
    auto = provider is not None and reference is not None
    subscription.renewal = (RenewalMode.AUTO if auto else RenewalMode.MANUAL).value
    subscription.renewal_provider = provider[:32] if auto and provider else None
    subscription.renewal_reference = reference[:255] if auto and reference else None
    subscription.updated_at = now
    return to_read(subscription)
