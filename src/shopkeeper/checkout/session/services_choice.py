"""Services for the owner's cart: per product line and standalone, priced in the cart
currency (the services context decides; a chosen one is added through POST /cart/items)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import KeyValueStore
from shopkeeper.checkout.cart import CartItemNotFound, CartOwner, CartView, CartViewStore
from shopkeeper.checkout.services import (
    CartServices,
    ItemServices,
    ServicesCart,
    ServicesLine,
    available_services,
)
from shopkeeper.checkout.session.access import for_read
from shopkeeper.checkout.session.snapshot import category_ancestors


def services_cart(view: CartView, ancestors: dict[uuid.UUID, frozenset[uuid.UUID]]) -> ServicesCart:
    lines = []
    for line in view.items:
        categories: set[uuid.UUID] = set()
        for category_id in line.category_ids:
            categories |= ancestors.get(category_id, frozenset({category_id}))
        lines.append(
            ServicesLine(
                item_id=line.id,
                type=line.type.value,
                variant_id=line.variant_id,
                parent_item_id=line.parent_item_id,
                quantity=line.quantity,
                weight_grams=line.weight_grams,
                dimensions_mm=line.dimensions_mm,
                category_ids=frozenset(categories),
                name=line.name[:200],
            )
        )
    return ServicesCart(lines=lines)


async def _offered(
    session: AsyncSession, shop_id: uuid.UUID, view: CartView, language: str,
    cache: KeyValueStore,
) -> CartServices:  # fmt: skip
    ancestors = await category_ancestors(session, shop_id=shop_id)
    return await available_services(
        session,
        shop_id=shop_id,
        cart=services_cart(view, ancestors),
        currency=view.currency,
        language=language,
        cache=cache,
    )


async def cart_services(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    currency: str,
    language: str,
    store: CartViewStore,
    now: datetime,
    cache: KeyValueStore,
) -> CartServices:
    """Each product line's services and the standalone ones, for the owner's cart (kept per
    cart in `cache`, the process's cache store)."""
    checkout = await for_read(
        session,
        shop_id=shop_id,
        owner=owner,
        currency=currency,
        store=store,
        now=now,
    )
    return await _offered(session, shop_id, checkout.view, language, cache)


async def item_services(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    item_id: uuid.UUID,
    currency: str,
    language: str,
    store: CartViewStore,
    now: datetime,
    cache: KeyValueStore,
) -> ItemServices:
    """The services one line of the owner's cart may have (404 for a line not in it)."""
    checkout = await for_read(
        session,
        shop_id=shop_id,
        owner=owner,
        currency=currency,
        store=store,
        now=now,
    )
    if all(line.id != item_id for line in checkout.view.items):
        raise CartItemNotFound()
    offered = await _offered(session, shop_id, checkout.view, language, cache)
    return ItemServices(item_id=item_id, services=offered.for_item(item_id))
