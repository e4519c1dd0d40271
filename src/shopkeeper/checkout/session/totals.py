"""The materialised totals view: `checkout:totals:{cart_id}` in the process's cache store
(Redis, or the cache table) holds the cart's priced summary with the stamp it was computed
under: the cart view and session state (`Checkout.fingerprint`) and the generations of the
shop's promotions and shipping methods. A read whose stamp matches uses it; any other
computes the summary and keeps it. Consumers of the cart's, the session's and the payment
choice's events compute it again for a cart whose summary is kept (a shopper at checkout),
so the next read finds it ready. Kept TOTALS_TTL seconds: catalog prices, stock and the
calendar's state show within that even with nothing else changing. What customer data and
consents lack is never kept: each read asks (`with_blockers`). Finalising never reads it."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import KeyValueStore, generation_key
from shopkeeper.checkout.cart import CartOwner, CartViewStore, rebuild_view
from shopkeeper.checkout.session.access import Checkout, for_read
from shopkeeper.checkout.session.repository import SessionRepository
from shopkeeper.checkout.session.schemas import CheckoutSummary
from shopkeeper.checkout.session.summary import priced_summary, with_blockers
from shopkeeper.checkout.shipping import CalendarClient, offers_family
from shopkeeper.promotions.rules import promotions_family

TOTALS_TTL = 60


class KeptTotals(BaseModel):
    stamp: str
    summary: CheckoutSummary


def totals_key(cart_id: uuid.UUID) -> str:
    return f"checkout:totals:{cart_id}"


async def checkout_summary(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    currency: str,
    store: CartViewStore,
    calendar: CalendarClient,
    cache: KeyValueStore,
    now: datetime,
) -> CheckoutSummary:
    """The owner's summary: the kept totals view when it is still this cart's and session's
    (else computed and kept), with what customer data and consents lack as of now."""
    checkout = await for_read(
        session, shop_id=shop_id, owner=owner, currency=currency, store=store, now=now
    )
    kept, stamp = await _kept_and_stamp(cache, checkout)
    if kept is None or kept.stamp != stamp:
        kept = await _compute(session, cache, checkout, stamp, calendar=calendar, now=now)
    return await with_blockers(session, kept.summary, checkout)


async def refresh_totals(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID,
    customer_id: uuid.UUID | None, views: CartViewStore, calendar: CalendarClient,
    cache: KeyValueStore, now: datetime,
) -> None:  # fmt: skip
    """Compute the cart's totals view again if one is kept and no longer current ("update
    totals", for the consumers of the events that change it). Idempotent."""
    if await cache.get(totals_key(cart_id)) is None:
        return  # nobody has looked at this cart's summary lately: nothing to keep up
    view = await rebuild_view(session, shop_id=shop_id, cart_id=cart_id, store=views, now=now)
    if view is None:
        return
    state = await SessionRepository(session).get(shop_id, cart_id)
    checkout = Checkout(shop_id, cart_id, customer_id, view, state)
    kept, stamp = await _kept_and_stamp(cache, checkout)
    if kept is None or kept.stamp != stamp:
        await _compute(session, cache, checkout, stamp, calendar=calendar, now=now)


async def _kept_and_stamp(
    cache: KeyValueStore, checkout: Checkout
) -> tuple[KeptTotals | None, str]:
    """The kept view (None: none, or unreadable) and the stamp a current one would carry: the
    cart view and session state, and the shop's promotions and shipping generations, all
    read in one round trip."""
    raw, promotions, shipping = await cache.get_many(
        totals_key(checkout.cart_id),
        generation_key(promotions_family(checkout.shop_id)),
        generation_key(offers_family(checkout.shop_id)),
    )
    stamp = f"{checkout.fingerprint()}:{int(promotions or 0)}:{int(shipping or 0)}"
    if raw is None:
        return None, stamp
    try:
        return KeptTotals.model_validate_json(raw), stamp
    except ValidationError:  # kept by an older release: computed again
        return None, stamp


async def _compute(
    session: AsyncSession, cache: KeyValueStore, checkout: Checkout, stamp: str, *,
    calendar: CalendarClient, now: datetime,
) -> KeptTotals:  # fmt: skip
    summary, _ = await priced_summary(
        session, checkout=checkout, calendar=calendar, now=now, cache=cache
    )
    kept = KeptTotals(stamp=stamp, summary=summary)
    await cache.put(totals_key(checkout.cart_id), kept.model_dump_json(), TOTALS_TTL)
    return kept
