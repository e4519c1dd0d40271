"""Which cart (hence which checkout session) a request means, and its view right now.

Changes lock the owner's cart row first (as the cart's own changes do), so a session change
and a cart change never interleave; the view is then rebuilt in the same transaction.
Reads use the cart's stored view when current (the cart context decides).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import content_hash
from shopkeeper.checkout.cart import (
    CartOwner,
    CartView,
    CartViewStore,
    find_cart,
    read_cart_view,
    rebuild_view,
)
from shopkeeper.checkout.session.errors import CheckoutCartNotFound
from shopkeeper.checkout.session.models import CheckoutSession
from shopkeeper.checkout.session.repository import SessionRepository


@dataclass
class Checkout:
    """A cart, its view and its session row (None: nothing chosen yet, reads only)."""

    shop_id: uuid.UUID
    cart_id: uuid.UUID
    customer_id: uuid.UUID | None
    view: CartView
    state: CheckoutSession | None

    def fingerprint(self) -> str:
        """Names this cart view with this session state: any change of either (a cart
        change, a view rebuilt with new prices, a choice made) gives another."""
        state = self.state.version if self.state is not None else 0
        return content_hash(self.cart_id, self.view.version, self.view.built_at, state,
                            self.customer_id)  # fmt: skip

    def facts(self) -> dict[str, Any]:
        assert self.state is not None
        return {
            "cart_id": self.cart_id,
            "shop_id": self.shop_id,
            "customer_id": self.customer_id,
            "version": self.state.version,
        }


async def for_change(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    store: CartViewStore,
    now: datetime,
) -> Checkout:
    """The owner's cart locked, its view as of now and its session row (made if none)."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner, lock=True)
    if cart is None:
        raise CheckoutCartNotFound()
    view = await rebuild_view(session, shop_id=shop_id, cart_id=cart.id, store=store, now=now)
    assert view is not None
    state = await SessionRepository(session).get_or_add(shop_id, cart.id, now)
    return Checkout(shop_id, cart.id, cart.customer_id, view, state)


async def for_read(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    currency: str,
    store: CartViewStore,
    now: datetime,
) -> Checkout:
    view = await read_cart_view(
        session,
        shop_id=shop_id,
        owner=owner,
        currency=currency,
        store=store,
        now=now,
    )
    if view.cart_id is None:
        raise CheckoutCartNotFound()
    state = await SessionRepository(session).get(shop_id, view.cart_id)
    return Checkout(shop_id, view.cart_id, owner.customer_id, view, state)


def bump(state: CheckoutSession, now: datetime) -> None:
    """Count a change of the session (its version goes up by one)."""
    state.version += 1
    state.updated_at = now
