"""Request dependencies of the cart: the shop of `{shop}` and the cart owner, the view store.

The owner is the signed-in storefront customer when the storefront says so (a port:
`bind_customer_resolver`, bound by web.store to its session cookie; the cookie is
SameSite=Lax, so no other site can make a browser change the cart), else the anonymous cart
token sent back as `X-Cart-Token`. Staff bearer tokens and API keys are not cart owners:
`Authorization` is not looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import shops
from shopkeeper.checkout.cart.schemas import CartOwner
from shopkeeper.checkout.cart.view_store import CartViewStore, view_store
from shopkeeper.container import Container
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.shops.deps import ShopSlug

CART_TOKEN_HEADER = "X-Cart-Token"  # noqa: S105 (a header name)
CUSTOMER_RESOLVER_EXTRA = "checkout.cart.customer_resolver"

# (request, session, shop id, now) → the signed-in customer of that shop, or None.
CustomerResolver = Callable[
    [Request, AsyncSession, uuid.UUID, datetime], Awaitable[uuid.UUID | None]
]


def bind_customer_resolver(container: Container, resolver: CustomerResolver) -> None:
    """How requests name their signed-in customer (the storefront binds its sessions)."""
    container.extras[CUSTOMER_RESOLVER_EXTRA] = resolver


@dataclass(frozen=True)
class CartCaller:
    shop: shops.ShopRead
    owner: CartOwner


async def cart_caller(
    shop: ShopSlug, request: Request, session: SessionDep, clock: ClockDep,
    container: ContainerDep,
) -> CartCaller:  # fmt: skip
    """The shop (404 when none) and whose cart this request means."""
    found = await shops.get_shop(session, slug=shop)
    resolver: CustomerResolver | None = container.extras.get(CUSTOMER_RESOLVER_EXTRA)
    customer_id = None
    if resolver is not None:
        customer_id = await resolver(request, session, found.id, clock.now())
    token = request.headers.get(CART_TOKEN_HEADER, "").strip() or None
    return CartCaller(shop=found, owner=CartOwner(customer_id=customer_id, token=token))


def get_view_store(container: ContainerDep) -> CartViewStore:
    return view_store(container)


CartOwnerDep = Annotated[CartCaller, Depends(cart_caller)]
ViewStoreDep = Annotated[CartViewStore, Depends(get_view_store)]
