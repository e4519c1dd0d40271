"""Promotions of a checkout: what the cart qualifies for, setting one aside or taking it back,
promo codes. Promotions apply by themselves when the cart qualifies; the shopper may remove
one (it stays out until applied again) and apply a promo code (one per checkout). The cart
is never changed: the discounts are computed on the summary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.cache import KeyValueStore, cached_json
from shopkeeper.checkout.cart import CartOwner, CartViewStore
from shopkeeper.checkout.session.access import Checkout, bump, for_change, for_read
from shopkeeper.checkout.session.errors import (
    PromoCodeAlreadyApplied,
    PromotionNotApplied,
    PromotionNotAvailable,
)
from shopkeeper.checkout.session.events import (
    PromoCodeApplied,
    PromoCodeInvalid,
    PromotionApplied,
    PromotionRemoved,
)
from shopkeeper.checkout.session.schemas import PromotionOption, PromotionsRead
from shopkeeper.checkout.session.snapshot import Snapshot, check_code, take_snapshot
from shopkeeper.errors import AppError
from shopkeeper.promotions.rules import promotions_generation


@dataclass(frozen=True)
class CodeRefused:
    """Why a code does not apply (the event saying so is published all the same)."""

    code: str
    reason: str
    detail: str


async def _snapshot(session: AsyncSession, checkout: Checkout, now: datetime) -> Snapshot:
    return await take_snapshot(
        session,
        view=checkout.view,
        state=checkout.state,
        customer_id=checkout.customer_id,
        shop_id=checkout.shop_id,
        now=now,
    )


def _options(snapshot: Snapshot, checkout: Checkout) -> PromotionsRead:
    removed = set(checkout.state.removed_promotion_ids) if checkout.state else set()
    given = {a.id: a.discount for a in snapshot.evaluation.applied if a.source.value == "promotion"}
    return PromotionsRead(
        currency=snapshot.view.currency,
        promotions=[
            PromotionOption(
                promotion_id=a.promotion_id,
                name=a.name,
                kind=a.kind.value,
                eligible=a.eligible,
                applied=a.promotion_id in given,
                removed=str(a.promotion_id) in removed,
                discount=given.get(a.promotion_id, 0),
                missing_items=a.missing_items,
                missing_amount=a.missing_amount,
            )
            for a in snapshot.full.available
        ],
        codes=snapshot.codes,
    )


async def available_promotions(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    currency: str,
    store: CartViewStore,
    now: datetime,
    cache: KeyValueStore,
) -> PromotionsRead:
    """What the owner's cart qualifies for, kept OFFERS_TTL seconds in `cache` under
    `promotions:available:{shop}:{promotions generation}:{cart_hash}` (the hash names the
    cart view and the session state; a change of the shop's promotions moves the generation
    on; a promo code used up elsewhere shows within OFFERS_TTL, and finalising checks it)."""
    checkout = await for_read(
        session,
        shop_id=shop_id,
        owner=owner,
        currency=currency,
        store=store,
        now=now,
    )

    async def options() -> PromotionsRead:
        return _options(await _snapshot(session, checkout, now), checkout)

    current = await promotions_generation(cache, shop_id)
    key = f"promotions:available:{shop_id}:{current}:{checkout.fingerprint()}"
    return await cached_json(cache, key, ttl=OFFERS_TTL, adapter=_READ, compute=options)


_READ = TypeAdapter(PromotionsRead)
OFFERS_TTL = 60


async def apply_promotion(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    promotion_id: uuid.UUID,
    store: CartViewStore,
    now: datetime,
) -> PromotionsRead:
    """Take a promotion the cart qualifies for (back) into the checkout."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    snapshot = await _snapshot(session, checkout, now)
    option = next((a for a in snapshot.full.available if a.promotion_id == promotion_id), None)
    if option is None or not option.eligible:
        raise PromotionNotAvailable(
            "This cart does not qualify for that promotion now"
            + (f" (add {_short(option)})" if option is not None else "")
        )
    key = str(promotion_id)
    if key in state.chosen_promotion_ids and key not in state.removed_promotion_ids:
        return _options(snapshot, checkout)
    state.chosen_promotion_ids = [*state.chosen_promotion_ids, key]
    state.removed_promotion_ids = [p for p in state.removed_promotion_ids if p != key]
    bump(state, now)
    await session.flush()
    bus.publish(
        session,
        PromotionApplied(**checkout.facts(), promotion_id=promotion_id, promotion_name=option.name),
        now=now,
    )
    return _options(await _snapshot(session, checkout, now), checkout)


def _short(option: object) -> str:
    items = getattr(option, "missing_items", None)
    amount = getattr(option, "missing_amount", None)
    if items:
        return f"{items} more item(s)"
    return f"{amount} more (minor units)" if amount else "more to the cart"


async def remove_promotion(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    promotion_id: uuid.UUID,
    store: CartViewStore,
    now: datetime,
) -> PromotionsRead:
    """Take an applied promo code off, or set an applied promotion aside (404 for neither)."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    key = str(promotion_id)
    code = next((c for c in state.promo_codes if c["promo_code_id"] == key), None)
    if code is not None:
        state.promo_codes = [c for c in state.promo_codes if c is not code]
    else:
        snapshot = await _snapshot(session, checkout, now)
        applied = {a.id for a in snapshot.evaluation.applied if a.source.value == "promotion"}
        if promotion_id not in applied:
            raise PromotionNotApplied()
        state.removed_promotion_ids = [*state.removed_promotion_ids, key]
        state.chosen_promotion_ids = [p for p in state.chosen_promotion_ids if p != key]
    bump(state, now)
    await session.flush()
    bus.publish(
        session,
        PromotionRemoved(
            **checkout.facts(),
            promotion_id=promotion_id,
            source="promotion" if code is None else "code",
            code=None if code is None else code["code"],
        ),
        now=now,
    )
    return _options(await _snapshot(session, checkout, now), checkout)


async def apply_code(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    code: str,
    store: CartViewStore,
    now: datetime,
) -> PromotionsRead | CodeRefused:
    """Apply a promo code valid for this cart. A code that is not (unknown, expired, not for
    these products, ...) changes nothing: it is answered with the reason, and
    `promotions.promo_code_invalid.v1` is published for it."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    try:
        terms, _ = await check_code(
            session,
            shop_id=shop_id,
            view=checkout.view,
            code=code,
            customer_id=checkout.customer_id,
            now=now,
        )
    except AppError as exc:
        bus.publish(
            session,
            PromoCodeInvalid(
                **checkout.facts(), code=code[:64], reason=exc.code, detail=exc.detail
            ),
            now=now,
        )
        return CodeRefused(code=code, reason=exc.code, detail=exc.detail)
    key = str(terms.promo_code_id)
    if any(c["promo_code_id"] == key for c in state.promo_codes):
        return _options(await _snapshot(session, checkout, now), checkout)
    if state.promo_codes:
        raise PromoCodeAlreadyApplied(state.promo_codes[0]["code"])
    state.promo_codes = [{"promo_code_id": key, "code": terms.code}]
    bump(state, now)
    await session.flush()
    snapshot = await _snapshot(session, checkout, now)
    given = next((c.discount for c in snapshot.codes if c.promo_code_id == terms.promo_code_id), 0)
    bus.publish(
        session,
        PromoCodeApplied(
            **checkout.facts(), promo_code_id=terms.promo_code_id, code=terms.code, discount=given
        ),
        now=now,
    )
    return _options(snapshot, checkout)
