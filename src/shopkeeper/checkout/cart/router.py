"""HTTP: the shopper's cart under /api/v1/shops/{shop} (no staff auth: the owner is the
signed-in storefront customer or the `X-Cart-Token` of an anonymous cart)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from shopkeeper.checkout.cart import items, merge, reads
from shopkeeper.checkout.cart.deps import CartOwnerDep, ViewStoreDep
from shopkeeper.checkout.cart.errors import CartSignInRequired, CartTokenRequired
from shopkeeper.checkout.cart.schemas import (
    CartItemCreate,
    CartItemUpdate,
    CartsMerged,
    CartView,
    ItemAdded,
    ItemChanged,
    ItemsRemoved,
)
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["cart"])


@router.post("/cart/items", status_code=status.HTTP_201_CREATED)
async def add_cart_item(
    data: CartItemCreate, caller: CartOwnerDep, session: SessionDep, clock: ClockDep,
    response: Response,
) -> ItemAdded:  # fmt: skip
    """Add a line (201), or add to the equal line already there (200). Without an owner a
    new anonymous cart is made: its `cart_token` is shown once, send it as X-Cart-Token.
    409 when the cart would hold more than the stock (the detail says how many there are)."""
    added = await items.add_item(
        session, shop_id=caller.shop.id, owner=caller.owner, data=data,
        currency=caller.shop.currency, now=clock.now(),
    )  # fmt: skip
    if added.merged:
        response.status_code = status.HTTP_200_OK
    return added


@router.patch("/cart/items/{item_id}")
async def change_cart_item(
    item_id: uuid.UUID, data: CartItemUpdate, caller: CartOwnerDep, session: SessionDep,
    clock: ClockDep,
) -> ItemChanged:  # fmt: skip
    return await items.change_quantity(
        session, shop_id=caller.shop.id, owner=caller.owner, item_id=item_id,
        quantity=data.quantity, now=clock.now(),
    )  # fmt: skip


@router.delete("/cart/items/{item_id}")
async def remove_cart_item(
    item_id: uuid.UUID, caller: CartOwnerDep, session: SessionDep, clock: ClockDep
) -> ItemsRemoved:
    """Remove a line and the services and warranties that belong to it."""
    return await items.remove_item(
        session, shop_id=caller.shop.id, owner=caller.owner, item_id=item_id, now=clock.now()
    )


@router.get("/cart")
async def get_cart(
    caller: CartOwnerDep, session: SessionDep, clock: ClockDep, store: ViewStoreDep,
    container: ContainerDep, response: Response,
) -> CartView:  # fmt: skip
    """The cart priced from the catalog, with promotions, gifts and totals (an empty view,
    `cart_id` null, when the owner has none). A token of no open cart: 404."""
    response.headers["Cache-Control"] = "no-store"
    return await reads.read_cart_view(
        session, shop_id=caller.shop.id, owner=caller.owner, currency=caller.shop.currency,
        store=store, now=clock.now(),
    )  # fmt: skip


@router.post("/cart/merge")
async def merge_cart(caller: CartOwnerDep, session: SessionDep, clock: ClockDep) -> CartsMerged:
    """The X-Cart-Token's anonymous cart into the signed-in customer's (401 when not
    signed in, 422 without a token, 404 when the token names no open cart)."""
    if caller.owner.customer_id is None:
        raise CartSignInRequired()
    if caller.owner.token is None:
        raise CartTokenRequired()
    return await merge.merge_carts(
        session, shop_id=caller.shop.id, token=caller.owner.token,
        customer_id=caller.owner.customer_id, now=clock.now(),
    )  # fmt: skip
