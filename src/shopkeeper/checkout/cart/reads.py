"""Reading carts: the owner's view (their own writes always shown), rebuilding stored views,
and a cart's lines for other checkout contexts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart.carts import find_cart
from shopkeeper.checkout.cart.errors import CartNotFound
from shopkeeper.checkout.cart.models import Cart
from shopkeeper.checkout.cart.repository import CartRepository
from shopkeeper.checkout.cart.schemas import CartItemRead, CartOwner, CartRead, CartView
from shopkeeper.checkout.cart.view import build_view, empty_view
from shopkeeper.checkout.cart.view_store import CartViewStore
from shopkeeper.db import is_read_only

# A stored view of the current version is rebuilt once older than this, so that catalog
# prices, stock and promotions that changed meanwhile show up without a cart change.
VIEW_MAX_AGE = timedelta(minutes=5)


def _current(view: CartView | None, cart: Cart, now: datetime) -> bool:
    return view is not None and view.version >= cart.version and now - view.built_at < VIEW_MAX_AGE


async def read_cart_view(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, currency: str,
    store: CartViewStore, now: datetime,
) -> CartView:  # fmt: skip
    """The owner's cart as stored when that view is current; otherwise built now and kept
    where that costs no second connection: in Redis, or in the caller's transaction when it
    may write. (A read-only request leaves the table to the consumers of the cart's events:
    holding its connection while waiting for another could starve a small pool.)"""
    cart = await find_cart(session, shop_id=shop_id, owner=owner)
    if cart is None:
        return empty_view(currency, now)
    stored = await store.load(session, shop_id=shop_id, cart_id=cart.id)
    if stored is not None and _current(stored, cart, now):
        return stored
    view = await build_view(session, cart=cart, items=await CartRepository(session).items(cart.id),
                            now=now)  # fmt: skip
    if not store.writes_in_session or not is_read_only(session):
        await store.save(session, shop_id=shop_id, view=view)
    return view


async def rebuild_view(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, store: CartViewStore,
    now: datetime,
) -> CartView | None:  # fmt: skip
    """Build and keep the cart's view unless the kept one is current (None: no such cart)."""
    cart = await CartRepository(session).get(shop_id, cart_id)
    if cart is None:
        return None
    stored = await store.load(session, shop_id=shop_id, cart_id=cart.id)
    if stored is not None and _current(stored, cart, now):
        return stored
    items = await CartRepository(session).items(cart.id)
    view = await build_view(session, cart=cart, items=items, now=now)
    await store.save(session, shop_id=shop_id, view=view)
    return view


async def get_cart(session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID) -> CartRead:
    """A cart of the shop and its lines, whatever its state (CartNotFound otherwise)."""
    repo = CartRepository(session)
    cart = await repo.get(shop_id, cart_id)
    if cart is None:
        raise CartNotFound("No such cart in this shop")
    items = [CartItemRead.model_validate(i) for i in await repo.items(cart.id)]
    return CartRead.model_validate(
        {**{c: getattr(cart, c) for c in CartRead.model_fields if c != "items"}, "items": items}
    )
