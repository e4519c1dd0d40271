"""Automatic renewal: what renews a subscription, renewals claimed once, their outcome.

A plan paid through a gateway that renews by itself (payments.renewal_reference: a saved
YooKassa method, a Stripe subscription) makes the subscription renew "auto" with that
reference. A saved method is charged by the `subscriptions.renew` job before the period ends:
`claim_due` inserts one `subscriptions_renewal` row per (subscription, period end) — whoever
inserts it places the renewal order — and the charge's outcome comes back through
`finish_charge` (the job) or the payment events (a later webhook). A declined charge, or
a provider's subscription that ended, puts the subscription back on renewal by reminders
(SubscriptionRenewalStopped, the reason kept on the renewal row); nothing is retried.
A provider's own subscription is kept in step with ours (`provider_cancels_due` /
`record_provider_cancel`): told to stop after its period when ours is canceled at period
end or has ended, and to go on when the cancellation is taken back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus, orders, payments
from shopkeeper.audit import Actor
from shopkeeper.errors import AppError
from shopkeeper.kit.ids import new_id
from shopkeeper.subscriptions.events import SubscriptionRenewalStopped
from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription, SubscriptionRenewal
from shopkeeper.subscriptions.renewal_repository import RenewalRepository
from shopkeeper.subscriptions.repository import PeriodRepository
from shopkeeper.subscriptions.schemas import RenewalMode
from shopkeeper.subscriptions.service.plan_quote import next_plan_variant

log = structlog.get_logger(__name__)
BATCH = 100
RENEWAL_SOURCE = "renewal"
STALE_AFTER = timedelta(hours=1)  # a claim with no answer by then: the charge never left
SETTLED = ("paid", "failed")


@dataclass(frozen=True)
class RenewalCharge:
    """A claimed renewal whose order is ready to be charged from the saved method."""

    renewal_id: uuid.UUID
    shop_id: uuid.UUID
    subscription_id: uuid.UUID
    order_id: uuid.UUID
    provider: str
    method_reference: str


@dataclass(frozen=True)
class ProviderCancel:
    """What a provider's own subscription must be told: stop after its period, or go on."""

    shop_id: uuid.UUID
    subscription_id: uuid.UUID
    provider: str
    reference: str
    cancel: bool
    changed_at: datetime  # our subscription's last change: the request's idempotency


async def record_from_order(
    session: AsyncSession, *, shop_id: uuid.UUID, subscription_id: uuid.UUID,
    order_id: uuid.UUID, now: datetime,
) -> None:  # fmt: skip
    """The order paid through a gateway that renews by itself: renew "auto" through it."""
    reference = await payments.renewal_reference(session, shop_id=shop_id, order_id=order_id)
    if reference is None:
        return
    subscription = await RenewalRepository(session).get(shop_id, subscription_id, for_update=True)
    if subscription is None or subscription.status not in LIVE_STATUSES:
        return
    subscription.renewal = RenewalMode.AUTO.value
    subscription.renewal_provider = reference.provider[:32]
    subscription.renewal_reference = reference.reference[:255]
    subscription.updated_at = now


async def claim_due(
    session: AsyncSession, *, now: datetime, lead: timedelta, providers: Sequence[str],
    limit: int = BATCH,
) -> list[RenewalCharge]:  # fmt: skip
    """Claim the renewals due within `lead` and place their orders (once per period end)."""
    await _give_up_stale(session, now)
    repo = RenewalRepository(session)
    charges = []
    for subscription in await repo.due_renewal(now + lead, providers, limit):
        renewal = await repo.claim_renewal({
            "id": new_id(), "shop_id": subscription.shop_id, "subscription_id": subscription.id,
            "period_end": subscription.period_end, "provider": subscription.renewal_provider,
            "status": "claimed", "created_at": now, "updated_at": now,
        })  # fmt: skip
        if renewal is None:
            continue  # another worker has this period's renewal
        order_id, why = await _renewal_order(session, subscription, now)
        if order_id is None:
            _stop(session, subscription, renewal, why, now)
            continue
        renewal.order_id = order_id
        assert subscription.renewal_provider and subscription.renewal_reference
        charges.append(RenewalCharge(
            renewal_id=renewal.id, shop_id=subscription.shop_id, subscription_id=subscription.id,
            order_id=order_id, provider=subscription.renewal_provider,
            method_reference=subscription.renewal_reference,
        ))  # fmt: skip
    await session.flush()
    return charges


async def _renewal_order(
    session: AsyncSession, subscription: Subscription, now: datetime
) -> tuple[uuid.UUID | None, str]:
    """The same plan variant, in the currency of the last order that paid for it (the plan it
    is scheduled to move to, when a change is due at this period end)."""
    period = await PeriodRepository(session).last_paid(subscription.shop_id, subscription.id)
    if period is None or period.order_id is None:
        return None, "no paid order to renew"
    last = await orders.get_order(session, shop_id=subscription.shop_id, order_id=period.order_id)
    if subscription.pending_product_id is not None:
        variant_id = await next_plan_variant(session, subscription, last.currency)
        if variant_id is None:
            return None, f"the plan it moves to has no price in {last.currency}"
    else:
        lines = [line for line in last.lines if line.product_id == subscription.product_id]
        if not lines:
            return None, "the last order has no line of this plan"
        variant_id = lines[0].variant_id
    try:
        async with session.begin_nested():
            placed = await orders.place_order(
                session, shop_id=subscription.shop_id, customer_id=subscription.customer_id,
                currency=last.currency, items=[orders.OrderItemIn(variant_id=variant_id)],
                source=RENEWAL_SOURCE, now=now,
            )  # fmt: skip
    except AppError as exc:
        return None, f"renewal order refused: {exc.code}: {exc.detail}"
    return placed.id, ""


async def finish_charge(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID,
    payment: payments.PaymentRead | None, error: str | None, now: datetime,
) -> None:  # fmt: skip
    """The charge's answer: paid, still pending, or declined (back to reminders)."""
    status = payment.status if payment is not None else None
    if status in (payments.PaymentStatus.SUCCEEDED, payments.PaymentStatus.REFUNDED):
        await charge_settled(session, shop_id=shop_id, order_id=order_id, paid=True, reason=None,
                             now=now, payment_id=payment.id if payment else None)  # fmt: skip
        return
    if payment is not None and status in (
        payments.PaymentStatus.PENDING,
        payments.PaymentStatus.WAITING_FOR_CAPTURE,
    ):
        renewal = await RenewalRepository(session).renewal_of_order(shop_id, order_id)
        if renewal is not None and renewal.status == "claimed":
            renewal.status, renewal.payment_id, renewal.updated_at = "pending", payment.id, now
        return
    reason = error or (payment.error if payment else None) or "the charge failed"
    await charge_settled(session, shop_id=shop_id, order_id=order_id, paid=False, reason=reason,
                         now=now, payment_id=payment.id if payment else None)  # fmt: skip


async def charge_settled(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, paid: bool,
    reason: str | None, now: datetime, payment_id: uuid.UUID | None = None,
) -> None:  # fmt: skip
    """A renewal order's charge ended (a second report changes nothing); not ours: ignored."""
    repo = RenewalRepository(session)
    renewal = await repo.renewal_of_order(shop_id, order_id)
    if renewal is None or renewal.status in SETTLED:
        return
    renewal.payment_id = renewal.payment_id or payment_id
    if paid:
        renewal.status, renewal.updated_at = "paid", now
        return
    subscription = await repo.get(shop_id, renewal.subscription_id, for_update=True)
    assert subscription is not None
    _stop(session, subscription, renewal, reason or "the charge failed", now)


async def recurring_ended(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, reference: str,
    reason: str | None, now: datetime,
) -> int:  # fmt: skip
    """The provider's own subscription ended: what renewed through it renews by reminders."""
    stopped = await RenewalRepository(session).renewing_with(shop_id, provider, reference)
    for subscription in stopped:
        _stop(session, subscription, None, f"{provider} subscription ended: {reason}", now)
    return len(stopped)


async def _give_up_stale(session: AsyncSession, now: datetime) -> None:
    """Claims whose charge never got an answer (the worker died): back to reminders."""
    repo = RenewalRepository(session)
    for renewal in await repo.stale_renewals(now - STALE_AFTER, BATCH):
        subscription = await repo.get(renewal.shop_id, renewal.subscription_id, for_update=True)
        assert subscription is not None
        _stop(session, subscription, renewal, "the renewal was interrupted", now)


def _stop(
    session: AsyncSession, subscription: Subscription, renewal: SubscriptionRenewal | None,
    reason: str, now: datetime,
) -> None:  # fmt: skip
    """Renew by reminders from now on; keep why on the renewal and tell consumers."""
    log.info("subscriptions.renewal_stopped", subscription_id=str(subscription.id), reason=reason)
    if renewal is not None:
        renewal.status, renewal.error, renewal.updated_at = "failed", reason[:500], now
    provider = subscription.renewal_provider
    if subscription.renewal != RenewalMode.AUTO.value or (
        renewal is not None and provider != renewal.provider
    ):
        return  # already manual, or renewing another way since
    subscription.renewal = RenewalMode.MANUAL.value
    subscription.renewal_provider = subscription.renewal_reference = None
    subscription.updated_at = now
    bus.publish(session, SubscriptionRenewalStopped(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        period_end=subscription.period_end, provider=provider, reason=reason[:500],
    ), now=now)  # fmt: skip


async def provider_cancels_due(
    session: AsyncSession, *, providers: Sequence[str], limit: int = BATCH
) -> list[ProviderCancel]:
    """Provider subscriptions out of step with ours (canceled at period end, ended, undone)."""
    rows = await RenewalRepository(session).provider_cancel_out_of_step(providers, limit)
    return [
        ProviderCancel(
            shop_id=row.shop_id, subscription_id=row.id, provider=str(row.renewal_provider),
            reference=str(row.renewal_reference),
            cancel=row.cancel_at_period_end or row.status not in LIVE_STATUSES,
            changed_at=row.updated_at,
        )
        for row in rows
    ]  # fmt: skip


async def record_provider_cancel(
    session: AsyncSession, *, told: ProviderCancel, error: str | None, now: datetime
) -> None:
    """Keep what the provider was told, once per change (best effort: a refusal is audited,
    not retried)."""
    subscription = await RenewalRepository(session).get(
        told.shop_id, told.subscription_id, for_update=True
    )
    if subscription is None:
        return
    if subscription.renewal_reference == told.reference:
        subscription.renewal_cancel_sent = told.cancel
    await audit.record(
        session, actor=Actor.system(told.provider), shop_id=told.shop_id,
        action="subscription.provider_cancel_sent" if error is None
        else "subscription.provider_cancel_failed",
        target_type="subscription", target_id=told.subscription_id,
        after={"provider": told.provider, "reference": told.reference,
               "cancel_at_period_end": told.cancel, "error": error}, now=now,
    )  # fmt: skip
