"""Which cart a request means, and new carts: the signed-in customer's, else the token's."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart.errors import CartNotFound
from shopkeeper.checkout.cart.models import Cart, CartItem
from shopkeeper.checkout.cart.repository import CartRepository
from shopkeeper.checkout.cart.schemas import CartOwner, CartState
from shopkeeper.kit.crypto import random_token, sha256_hex
from shopkeeper.kit.ids import new_id

MAX_TOKEN_LENGTH = 128


def hash_token(token: str) -> str:
    return sha256_hex(token)


async def find_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, lock: bool = False
) -> Cart | None:
    """The owner's open cart (locked for the change when `lock`); None when they have none.

    A signed-in customer's cart wins over a token (merge them with `merge_carts`). A token
    that names no open cart of this shop raises CartNotFound rather than starting a new
    cart: the client learns that its token is stale instead of losing the cart silently.
    """
    repo = CartRepository(session)
    if owner.customer_id is not None:
        return await repo.active_of_customer(shop_id, owner.customer_id, lock=lock)
    if owner.token is None:
        return None
    return await cart_of_token(session, shop_id=shop_id, token=owner.token, lock=lock)


async def cart_of_token(
    session: AsyncSession, *, shop_id: uuid.UUID, token: str, lock: bool = False
) -> Cart:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise CartNotFound()
    cart = await CartRepository(session).by_token(shop_id, hash_token(token), lock=lock)
    if cart is None:
        raise CartNotFound()
    if cart.state == CartState.MERGED:
        raise CartNotFound("This cart was merged into a signed-in customer's cart")
    if cart.state != CartState.ACTIVE:
        raise CartNotFound("This cart was turned into an order; start a new one")
    return cart


async def new_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, currency: str, now: datetime
) -> tuple[Cart, str | None, bool]:
    """A new open cart, an anonymous one with a fresh token (returned once) or the
    customer's; the last item is False when a concurrent request had just made the
    customer's one open cart: that cart (locked) is returned instead."""
    if owner.customer_id is None:
        token = random_token(32)
        cart = _cart(shop_id, currency, now, token_hash=hash_token(token))
        CartRepository(session).add(cart)
        await session.flush()
        return cart, token, True
    cart = _cart(shop_id, currency, now, customer_id=owner.customer_id)
    try:
        async with session.begin_nested():
            CartRepository(session).add(cart)
    except IntegrityError:  # made by a concurrent request a moment ago: use that one
        found = await CartRepository(session).active_of_customer(
            shop_id, owner.customer_id, lock=True
        )
        assert found is not None
        return found, None, False
    return cart, None, True


def _cart(
    shop_id: uuid.UUID, currency: str, now: datetime, *, customer_id: uuid.UUID | None = None,
    token_hash: str | None = None,
) -> Cart:  # fmt: skip
    return Cart(
        id=new_id(), shop_id=shop_id, customer_id=customer_id, token_hash=token_hash,
        currency=currency, state=CartState.ACTIVE.value, version=0, created_at=now,
        updated_at=now,
    )  # fmt: skip


def touch(cart: Cart, now: datetime) -> int:
    """Count a change of the cart: its version goes up by one (the view's staleness test)."""
    cart.version += 1
    cart.updated_at = now
    return cart.version


def item_facts(cart: Cart, item: CartItem) -> dict[str, Any]:
    """What every item event says about the cart and the line."""
    return {
        "cart_id": cart.id, "shop_id": cart.shop_id, "customer_id": cart.customer_id,
        "version": cart.version, "item_id": item.id, "type": item.type,
        "variant_id": item.variant_id, "product_id": item.product_id,
        "parent_item_id": item.parent_item_id,
    }  # fmt: skip
