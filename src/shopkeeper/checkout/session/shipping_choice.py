"""Shipping choices of a checkout: the methods for the cart as it is, the method (with its
add-ons), the address and the delivery date; each change publishes its shipping event.

A method must be available for the cart now; a new method or a new postal code drops a
chosen date (the calendar answers per method and postal code); add-ons changed while a date
is kept are checked against that day again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.checkout.cart import CartOwner, CartViewStore, rebuild_view, view_store
from shopkeeper.checkout.session.access import Checkout, bump, for_change, for_read
from shopkeeper.checkout.session.errors import ShippingChoiceMissing, ShippingMethodUnavailable
from shopkeeper.checkout.session.events import (
    DeliveryDateSelected,
    ShippingAddressProvided,
    ShippingMethodSelected,
)
from shopkeeper.checkout.session.reads import session_read
from shopkeeper.checkout.session.repository import SessionRepository
from shopkeeper.checkout.session.schemas import (
    DeliveryDateSet,
    SessionRead,
    ShippingOptions,
    ShippingSelect,
)
from shopkeeper.checkout.session.snapshot import take_snapshot
from shopkeeper.checkout.shipping import (
    AddonNotOffered,
    CalendarClient,
    MethodOffer,
    ShippingAddress,
    ShippingMethodNotFound,
    available_methods,
    validate_delivery_date,
)
from shopkeeper.container import Container


async def methods_for(
    session: AsyncSession, checkout: Checkout, *, calendar: CalendarClient | None, now: datetime
) -> list[MethodOffer]:
    """The shop's methods priced for the cart after this checkout's discounts, kept per cart
    in the process's cache store (where the calendar keeps its answers) when one is given."""
    snapshot = await take_snapshot(
        session,
        view=checkout.view,
        state=checkout.state,
        customer_id=checkout.customer_id,
        shop_id=checkout.shop_id,
        now=now,
    )
    return await available_methods(
        session, shop_id=checkout.shop_id, cart=snapshot.shipping_cart(), now=now,
        calendar=calendar, cache=calendar.store if calendar is not None else None,
    )  # fmt: skip


async def shipping_options(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    currency: str,
    store: CartViewStore,
    calendar: CalendarClient,
    now: datetime,
) -> ShippingOptions:
    checkout = await for_read(
        session,
        shop_id=shop_id,
        owner=owner,
        currency=currency,
        store=store,
        now=now,
    )
    return ShippingOptions(
        currency=checkout.view.currency,
        selected_method_code=checkout.state.shipping_method_code if checkout.state else None,
        methods=await methods_for(session, checkout, calendar=calendar, now=now),
    )


def unavailable_detail(offer: MethodOffer) -> str:
    return f"{offer.name} cannot carry this cart: " + "; ".join(r.detail for r in offer.reasons)


async def select_method(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    data: ShippingSelect,
    store: CartViewStore,
    calendar: CalendarClient,
    now: datetime,
) -> SessionRead:
    """Choose a method available for the cart now (ShippingMethodUnavailable with the
    reasons if not) and its add-ons (AddonNotOffered for one it does not have)."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    offers = await methods_for(session, checkout, calendar=calendar, now=now)
    offer = next((o for o in offers if o.code == data.method_code), None)
    if offer is None:
        raise ShippingMethodNotFound(f"No shipping method {data.method_code!r} in this shop")
    if not offer.available or offer.price is None:
        raise ShippingMethodUnavailable(unavailable_detail(offer))
    same = state.shipping_method_code == offer.code
    addons = (
        list(dict.fromkeys(data.addons))
        if data.addons is not None
        else (list(state.addons) if same else [])
    )
    _check_addons(offer, addons)
    if not same:
        state.delivery_date = None
    elif state.delivery_date is not None and addons != list(state.addons) and state.address:
        await _check_day(session, checkout, offer.code, addons, calendar, now)
    state.shipping_method_code, state.addons, state.notice = offer.code, addons, None
    bump(state, now)
    await session.flush()
    bus.publish(
        session,
        ShippingMethodSelected(
            **checkout.facts(),
            method_id=offer.method_id,
            method_code=offer.code,
            currency=offer.currency,
            price=offer.price,
            addons=addons,
        ),
        now=now,
    )
    return session_read(state)


def _check_addons(offer: MethodOffer, addons: Sequence[str]) -> None:
    known = {a.code for a in offer.addons}
    for code in addons:
        if code not in known:
            raise AddonNotOffered(f"{offer.name} has no add-on {code!r}")


async def _check_day(
    session: AsyncSession,
    checkout: Checkout,
    method_code: str,
    addons: Sequence[str],
    calendar: CalendarClient,
    now: datetime,
) -> None:
    state = checkout.state
    assert state is not None and state.address is not None and state.delivery_date is not None
    await validate_delivery_date(
        session,
        shop_id=checkout.shop_id,
        method_code=method_code,
        country=state.address["country"],
        postal_code=state.address["postal_code"],
        chosen=state.delivery_date,
        addons=addons,
        calendar=calendar,
        now=now,
    )


async def set_address(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    address: ShippingAddress,
    store: CartViewStore,
    now: datetime,
) -> SessionRead:
    """Keep the delivery address; a new country or postal code drops a chosen date."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    old = state.address or {}
    if (old.get("country"), old.get("postal_code")) != (address.country, address.postal_code):
        state.delivery_date = None
    state.address = address.model_dump(mode="json")
    bump(state, now)
    await session.flush()
    bus.publish(
        session,
        ShippingAddressProvided(
            **checkout.facts(),
            country=address.country,
            postal_code=address.postal_code,
        ),
        now=now,
    )
    return session_read(state)


async def set_delivery_date(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    data: DeliveryDateSet,
    store: CartViewStore,
    calendar: CalendarClient,
    now: datetime,
) -> SessionRead:
    """Choose the day (and its add-ons) of the chosen dated method at the chosen address,
    as the calendar offers it (shipping's typed errors when not; 503 while it cannot say)."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    if state.shipping_method_code is None:
        raise ShippingChoiceMissing("Choose a shipping method before a delivery date")
    if state.address is None:
        raise ShippingChoiceMissing(
            "Give the delivery address before a delivery date: the days depend on the postal code"
        )
    choice = await validate_delivery_date(
        session,
        shop_id=shop_id,
        method_code=state.shipping_method_code,
        country=state.address["country"],
        postal_code=state.address["postal_code"],
        chosen=data.date,
        addons=data.addons,
        calendar=calendar,
        now=now,
    )
    state.delivery_date, state.addons = choice.date, [a.code for a in choice.addons]
    bump(state, now)
    await session.flush()
    bus.publish(
        session,
        DeliveryDateSelected(
            **checkout.facts(),
            method_code=choice.method_code,
            delivery_date=choice.date,
            addons=list(state.addons),
        ),
        now=now,
    )
    return session_read(state)


async def recheck_shipping(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    cart_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    container: Container,
    now: datetime,
) -> bool:
    """Clear the chosen method when the cart as it now is cannot go with it (True: cleared)."""
    state = await SessionRepository(session).get(shop_id, cart_id)
    if state is None or state.shipping_method_code is None:
        return False
    view = await rebuild_view(
        session, shop_id=shop_id, cart_id=cart_id, store=view_store(container), now=now
    )
    if view is None:
        return False
    checkout = Checkout(shop_id, cart_id, customer_id, view, state)
    offers = await methods_for(session, checkout, calendar=None, now=now)
    offer = next((o for o in offers if o.code == state.shipping_method_code), None)
    if offer is not None and offer.available and offer.price is not None:
        return False
    why = (
        unavailable_detail(offer)
        if offer is not None
        else (f"Shipping method {state.shipping_method_code!r} is no longer offered")
    )
    state.shipping_method_code, state.addons, state.delivery_date = None, [], None
    state.notice = f"{why}. Your cart changed: choose a shipping method again"[:500]
    bump(state, now)
    await session.flush()
    return True
