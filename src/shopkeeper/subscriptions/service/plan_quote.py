"""Pricing a plan change: the subscription's currency, what it paid, upgrade or downgrade.

The currency is the one of the last order that paid for the subscription (the shop's when
nothing was paid). What was paid for one period of the current plan is that order's line of
it (after its discount, per period); when the last payment bought another plan (or was an
upgrade's partial payment) it is the current plan's list price; when nothing was paid (a
gift) it is 0. The time prorated is what remains after a running trial (the trial stays
free, on the new plan too). A plan is more expensive when its price per day is higher; an
equal price per day is a downgrade (nothing to pay now).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, orders, shops
from shopkeeper.kit.money import round_half_up
from shopkeeper.subscriptions.errors import PlanChangeRefused, PlanCurrencyMismatch, PlanUnchanged
from shopkeeper.subscriptions.models import Subscription
from shopkeeper.subscriptions.plan_repository import PlanChangeRepository
from shopkeeper.subscriptions.proration import Proration, per_day, prorate
from shopkeeper.subscriptions.repository import PeriodRepository
from shopkeeper.subscriptions.service.common import Terms, plan_terms

UPGRADE, DOWNGRADE = "upgrade", "downgrade"


@dataclass(frozen=True)
class Quote:
    product_id: uuid.UUID  # the new plan
    direction: str
    currency: str
    variant_id: uuid.UUID  # the new plan's variant the order sells
    terms: Terms  # the new plan's
    proration: Proration


@dataclass(frozen=True)
class _Paid:
    currency: str
    per_period: int | None  # None: take the current plan's list price


async def quote(
    session: AsyncSession, subscription: Subscription, product_id: uuid.UUID, now: datetime
) -> Quote:
    """What moving `subscription` to `product_id` now means (errors when it cannot)."""
    if product_id == subscription.product_id:
        raise PlanUnchanged()
    shop_id = subscription.shop_id
    new_terms = await plan_terms(session, shop_id, product_id)
    current_terms = await plan_terms(session, shop_id, subscription.product_id)
    paid = await _paid(session, subscription)
    new = await _sellable(session, shop_id, product_id, paid.currency, required=True)
    assert new is not None
    current = await _sellable(session, shop_id, subscription.product_id, paid.currency)
    list_price = current.unit_amount if current is not None else paid.per_period or 0
    per_period = list_price if paid.per_period is None else paid.per_period
    current_len = period_length(current_terms, subscription.period_end)
    new_len = period_length(new_terms, subscription.period_end)
    dearer = per_day(new.unit_amount, new_len) > per_day(list_price, current_len)
    paid_from = max(now, subscription.trial_end or now)  # the rest of a trial stays free
    proration = prorate(
        paid_per_period=per_period, current_period=current_len, new_price=new.unit_amount,
        new_period=new_len, remaining=subscription.period_end - paid_from,
    )  # fmt: skip
    return Quote(
        product_id=product_id, direction=UPGRADE if dearer else DOWNGRADE, currency=paid.currency,
        variant_id=new.variant_id, terms=new_terms, proration=proration,
    )  # fmt: skip


def period_length(terms: Terms, period_end: datetime) -> timedelta:
    """The length of one period of the plan that ends at `period_end` (months vary)."""
    return period_end - terms.after(period_end, -1)


async def _paid(session: AsyncSession, subscription: Subscription) -> _Paid:
    shop_id = subscription.shop_id
    period = await PeriodRepository(session).last_paid(shop_id, subscription.id)
    if period is None or period.order_id is None:
        shop = await shops.get_shop_by_id(session, shop_id=shop_id)
        return _Paid(currency=shop.currency, per_period=0)
    order = await orders.get_order(session, shop_id=shop_id, order_id=period.order_id)
    lines = [line for line in order.lines if line.product_id == subscription.product_id]
    partial = await PlanChangeRepository(session).is_plan_change_order(shop_id, order.id)
    if not lines or partial:
        return _Paid(currency=order.currency, per_period=None)
    line = lines[0]
    per_period = round_half_up(Decimal(line.amount - line.discount) / Decimal(line.quantity))
    return _Paid(currency=order.currency, per_period=per_period)


async def _sellable(
    session: AsyncSession,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    currency: str,
    *,
    required: bool = False,
) -> catalog.SellableRead | None:
    """The plan's first variant on sale in `currency` (None, or an error when `required`)."""
    product = await catalog.get_product(session, shop_id=shop_id, product_id=product_id)
    priced = False
    for variant in sorted(product.variants, key=lambda v: v.position):
        if not any(p.currency == currency for p in variant.prices):
            continue
        priced = True
        try:
            return await catalog.get_sellable(
                session, shop_id=shop_id, variant_id=variant.id, currency=currency
            )
        except (catalog.VariantNotFound, catalog.PriceNotFound):
            continue
    if not required:
        return None
    if not priced:
        raise PlanCurrencyMismatch(currency)
    raise PlanChangeRefused("The new plan is not on sale (unpublished or archived)")


async def next_plan_variant(
    session: AsyncSession, subscription: Subscription, currency: str
) -> uuid.UUID | None:
    """The variant a renewal sells of the plan the subscription is scheduled to move to."""
    if subscription.pending_product_id is None:
        return None
    try:
        found = await _sellable(
            session, subscription.shop_id, subscription.pending_product_id, currency
        )
    except catalog.ProductNotFound:
        return None
    return found.variant_id if found is not None else None
