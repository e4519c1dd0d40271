"""A cart's life after checkout: finalisation turns it into an order (`converted`); a failed
payment opens it again so the shopper can pay with the same lines."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart.carts import hash_token, touch
from shopkeeper.checkout.cart.merge import merge_into_customer
from shopkeeper.checkout.cart.models import Cart
from shopkeeper.checkout.cart.repository import CartRepository
from shopkeeper.checkout.cart.schemas import CartOwner, CartState


def owns(cart: Cart, owner: CartOwner) -> bool:
    """Whether the request's owner is the cart's (the signed-in customer or the token)."""
    if owner.customer_id is not None and cart.customer_id == owner.customer_id:
        return True
    return owner.token is not None and cart.token_hash == hash_token(owner.token)


async def owned_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, owner: CartOwner,
    lock: bool = False,
) -> Cart | None:  # fmt: skip
    """The cart `cart_id` in any state when `owner` owns it; None otherwise."""
    cart = await CartRepository(session).get(shop_id, cart_id, lock=lock)
    return cart if cart is not None and owns(cart, owner) else None


def convert_cart(cart: Cart, now: datetime) -> None:
    """The cart became an order: it takes no more changes and its token opens nothing."""
    cart.state = CartState.CONVERTED.value
    touch(cart, now)


async def reopen_cart(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """A converted cart is open again (its order was not paid). When its customer opened
    another cart meanwhile, the lines join that one. The open cart's id; None if none."""
    repo = CartRepository(session)
    cart = await repo.get(shop_id, cart_id, lock=True)
    if cart is None or cart.state != CartState.CONVERTED.value:
        return None
    customer_id = cart.customer_id
    if customer_id is not None and await repo.active_of_customer(shop_id, customer_id) is not None:
        cart.state = CartState.ACTIVE.value  # anonymous for a moment: the merge takes its lines
        cart.customer_id = None
        await session.flush()
        merged = await merge_into_customer(session, source=cart, customer_id=customer_id, now=now)
        return merged.cart_id
    cart.state = CartState.ACTIVE.value
    touch(cart, now)
    return cart.id
