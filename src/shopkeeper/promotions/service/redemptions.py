"""Applying a code to an order: quote what it takes off, redeem a use atomically, release it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.kit.ids import new_id
from shopkeeper.promotions.allocation import fixed_shares, percent_shares
from shopkeeper.promotions.errors import (
    PromoCodeBelowMinimum,
    PromoCodeCustomerLimitReached,
    PromoCodeCustomerRequired,
    PromoCodeExhausted,
    PromoCodeExpired,
    PromoCodeFirstPurchaseOnly,
    PromoCodeInactive,
    PromoCodeNotApplicable,
    PromoCodeNotForCustomer,
    PromoCodeNotFound,
    PromoCodeNotYetValid,
)
from shopkeeper.promotions.models import PromoCode, PromoRedemption
from shopkeeper.promotions.repository import PromoCodeRepository, RedemptionRepository
from shopkeeper.promotions.schemas import PromoLine, PromoQuote, canonical_code


async def quote_promo_code(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    code: str,
    customer_id: uuid.UUID | None,
    currency: str,
    lines: Sequence[PromoLine],
    now: datetime,
    is_first_purchase: bool = False,
) -> PromoQuote:
    """What `code` takes off these lines, or the typed reason it cannot be used.

    The caller (orders) says whether this is the customer's first purchase, so promotions
    never asks orders anything. A quote reserves nothing: `redeem` counts the use atomically.
    """
    promo = await PromoCodeRepository(session).by_code(shop_id, canonical_code(code))
    if promo is None:
        raise PromoCodeNotFound(canonical_code(code))
    _check_live(promo, now)
    await _check_customer(session, promo, customer_id, is_first_purchase)
    currency = currency.upper()
    eligible = [_applies_to(promo, line.product_id) for line in lines]
    if not any(eligible):
        raise PromoCodeNotApplicable(f"Promo code {promo.code} does not apply to these products")
    _check_minimum(promo, currency, sum(line.amount for line in lines))
    shares = _shares(promo, currency, [line.amount for line in lines], eligible)
    return PromoQuote(
        promo_code_id=promo.id, code=promo.code, discount=sum(shares), line_discounts=shares
    )


def _check_live(promo: PromoCode, now: datetime) -> None:
    if not promo.active:
        raise PromoCodeInactive(promo.code)
    if promo.valid_from is not None and now < promo.valid_from:
        raise PromoCodeNotYetValid(promo.code, promo.valid_from)
    if promo.valid_until is not None and now >= promo.valid_until:
        raise PromoCodeExpired(promo.code, promo.valid_until)
    if promo.max_uses is not None and promo.used_count >= promo.max_uses:
        raise PromoCodeExhausted(promo.code)


async def _check_customer(
    session: AsyncSession,
    promo: PromoCode,
    customer_id: uuid.UUID | None,
    is_first_purchase: bool,
) -> None:
    await _check_owner(session, promo, customer_id)
    if promo.first_purchase_only and (customer_id is None or not is_first_purchase):
        raise PromoCodeFirstPurchaseOnly(promo.code, known_customer=customer_id is not None)
    limit = promo.max_uses_per_customer
    if limit is None:
        return
    if customer_id is None:
        raise PromoCodeCustomerRequired(promo.code)
    if await RedemptionRepository(session).count_live(promo.id, customer_id) >= limit:
        raise PromoCodeCustomerLimitReached(promo.code, limit)


async def _check_owner(
    session: AsyncSession, promo: PromoCode, customer_id: uuid.UUID | None
) -> None:
    """A code issued to one customer (a win-back offer) is theirs alone (merged records of
    that person included)."""
    owner = promo.customer_id
    if owner is None or customer_id == owner:
        return
    if customer_id is None:
        raise PromoCodeNotForCustomer(promo.code, known_customer=False)
    try:
        same = {
            (await identity.get_customer(session, shop_id=promo.shop_id, customer_id=c)).id
            for c in (owner, customer_id)
        }
    except identity.CustomerNotFound:
        same = set()
    if len(same) != 1:
        raise PromoCodeNotForCustomer(promo.code, known_customer=True)


def _applies_to(promo: PromoCode, product_id: uuid.UUID) -> bool:
    return not promo.product_ids or str(product_id) in promo.product_ids


def _check_minimum(promo: PromoCode, currency: str, subtotal: int) -> None:
    """A code with minimums applies only in the currencies that have one."""
    if not promo.minimum_amount:
        return
    minimum = promo.minimum_amount.get(currency)
    if minimum is None:
        raise PromoCodeNotApplicable(f"Promo code {promo.code} is not valid for {currency}")
    if subtotal < minimum:
        raise PromoCodeBelowMinimum(promo.code, minimum, currency)


def _shares(promo: PromoCode, currency: str, amounts: list[int], eligible: list[bool]) -> list[int]:
    if promo.percent_off_bp is not None:
        return percent_shares(amounts, eligible, promo.percent_off_bp)
    amount_off = promo.amount_off.get(currency)
    if amount_off is None:
        raise PromoCodeNotApplicable(f"Promo code {promo.code} gives no discount in {currency}")
    return fixed_shares(amounts, eligible, amount_off)


async def redeem(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    promo_code_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    order_id: uuid.UUID,
    discount: int,
    currency: str,
    now: datetime,
) -> None:
    """Count one use for `order_id`: never over `max_uses`, nor the per-customer limit.

    The conditional UPDATE takes the use only if one is left and locks the code's row until
    the transaction ends (PostgreSQL), so the per-customer count read next cannot race.
    """
    codes = PromoCodeRepository(session)
    if not await codes.take_use(shop_id, promo_code_id):
        promo = await codes.get(shop_id, promo_code_id)
        if promo is None:
            raise PromoCodeNotFound()
        raise PromoCodeInactive(promo.code) if not promo.active else PromoCodeExhausted(promo.code)
    promo = await codes.get(shop_id, promo_code_id)
    assert promo is not None  # the UPDATE above just matched it
    try:
        await _check_owner(session, promo, customer_id)
    except PromoCodeNotForCustomer:
        await codes.give_back_use(shop_id, promo.id)
        raise
    limit = promo.max_uses_per_customer
    if limit is not None and customer_id is not None:
        if await RedemptionRepository(session).count_live(promo.id, customer_id) >= limit:
            await codes.give_back_use(shop_id, promo.id)
            raise PromoCodeCustomerLimitReached(promo.code, limit)
    session.add(
        PromoRedemption(
            id=new_id(), shop_id=shop_id, promo_code_id=promo.id, order_id=order_id,
            customer_id=customer_id, amount=discount, currency=currency.upper(),
            redeemed_at=now,
        )
    )  # fmt: skip
    await session.flush()


async def release(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> None:
    """Give back the use `order_id` took (its order was cancelled or expired); idempotent."""
    redemption = await RedemptionRepository(session).live_for_order(shop_id, order_id)
    if redemption is None:
        return
    redemption.released_at = now
    await session.flush()
    await PromoCodeRepository(session).give_back_use(shop_id, redemption.promo_code_id)


async def repoint_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
) -> None:
    """Two customer records merged: their uses count, and codes issued to either record are
    usable, by the survivor."""
    await RedemptionRepository(session).repoint_customer(shop_id, from_id, into_id)
    await PromoCodeRepository(session).repoint_customer(shop_id, from_id, into_id)
