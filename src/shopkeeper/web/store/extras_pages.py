"""The extras step: services for each product line (carrying in, assembly, installation),
standalone services (gift wrap, SMS notice) and extended warranties; each chosen one is a
cart line tied to its product line, removed with it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Response

from shopkeeper.checkout import cart, services, warranty
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.problems import error_text
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)
PRODUCT_TYPES = frozenset({cart.ItemType.OFFER, cart.ItemType.ACCESSORY})


@dataclass(frozen=True)
class ProductExtras:
    """A product line with what it may have and what it has."""

    line: cart.CartViewLine
    services: list[services.ServiceOffer]
    warranties: list[warranty.WarrantyOption]
    chosen: dict[uuid.UUID, cart.CartViewLine]  # by variant: its service / warranty lines


def services_cart(view: cart.CartView) -> services.ServicesCart:
    return services.ServicesCart(lines=[
        services.ServicesLine(
            item_id=line.id, type=line.type.value, variant_id=line.variant_id,
            parent_item_id=line.parent_item_id, quantity=line.quantity,
            weight_grams=line.weight_grams, dimensions_mm=line.dimensions_mm,
            category_ids=frozenset(line.category_ids), name=line.name[:200],
        )
        for line in view.items
    ])  # fmt: skip


async def extras_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    shopper = reader.shopper
    view = await reader.view()
    if view.cart_id is None:
        return shopper.redirect("/cart")
    offered = await services.available_services(
        reader.session, shop_id=reader.shop_id, cart=services_cart(view),
        currency=view.currency, language=shopper.store.language,
    )  # fmt: skip
    products = [line for line in view.items if line.type in PRODUCT_TYPES]
    options = await warranty.warranty_offers_for(
        reader.session, shop_id=reader.shop_id, product_ids={p.product_id for p in products},
        currency=view.currency,
    )  # fmt: skip
    children = [line for line in view.items if line.parent_item_id is not None]
    rows = [
        ProductExtras(
            line=line, services=offered.for_item(line.id),
            warranties=options.get(line.product_id, []),
            chosen={c.variant_id: c for c in children if c.parent_item_id == line.id},
        )
        for line in products
    ]  # fmt: skip
    standalone = {
        line.variant_id: line
        for line in view.items
        if line.type is cart.ItemType.SERVICE and line.parent_item_id is None
    }
    context = {"step": "extras", "rows": rows, "standalone": offered.standalone,
               "standalone_chosen": standalone, "currency": view.currency,
               "summary": await reader.summary(), "error": None, **values}  # fmt: skip
    return shopper.render("store/checkout_extras.html", context, status_code=status_code)


def _reader(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
            clock: ClockDep) -> Reader:  # fmt: skip
    return Reader(shopper, session, container, clock.now())


@router.get("/checkout/extras", name="store_checkout_extras")
async def show_extras(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                      clock: ClockDep) -> Response:  # fmt: skip
    return await extras_page(_reader(shopper, session, container, clock))


@router.post("/checkout/extras/add", dependencies=[ShopperCsrf])
async def add_extra(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    kind: str = Form(..., pattern="^(service|warranty)$"), variant: uuid.UUID = Form(...),
    parent: uuid.UUID | None = Form(None), quantity: int = Form(1, ge=1, le=cart.MAX_QUANTITY),
) -> Response:  # fmt: skip
    """A service (of a line, or standalone) or a line's warranty into the cart."""
    reader = _reader(shopper, session, container, clock)
    data = cart.CartItemCreate(type=cart.ItemType(kind), variant_id=variant, quantity=quantity,
                               parent_item_id=parent)  # fmt: skip
    try:
        if not await reader.has_cart():
            raise cart.CartNotFound()
        await cart.add_item(session, shop_id=reader.shop_id, owner=shopper.owner, data=data,
                            currency=reader.currency, now=reader.now)  # fmt: skip
    except AppError as exc:
        text = error_text(shopper.store.gettext, exc)
        async with reader.reading() as fresh:
            return await extras_page(fresh, status_code=exc.status_code, error=text)
    return shopper.redirect("/checkout/extras")
