"""The storefront's catalogue pages: home (tiers and products) and a product's page."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shopkeeper import subscriptions
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.web.store import offers
from shopkeeper.web.store.deps import StoreDep
from shopkeeper.web.store.errors import ProductUnavailable, StoreRoute
from shopkeeper.web.store.shopper import ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)


@router.get("", name="store_home")
async def home(store: StoreDep, session: SessionDep, clock: ClockDep) -> Response:
    shelf = await offers.shelf(session, shop=store.shop)
    mine = await _live_plans(store, session, clock)
    return store.render("store/home.html", {"shelf": shelf, "mine": mine})


@router.get("/p/{key}", name="store_product")
async def product(key: str, store: StoreDep, shopper: ShopperDep, session: SessionDep,
                  clock: ClockDep) -> Response:  # fmt: skip
    card = await offers.find_card(session, shop=store.shop, key=key)
    if card is None:
        raise ProductUnavailable()
    mine = await _live_plans(store, session, clock)
    in_cart = card.product.kind in offers.CART_KINDS  # anyone may add it (a cookie's cart)
    return shopper.render("store/product.html", {"card": card, "held": mine.get(card.product.id),
                                                 "in_cart": in_cart})  # fmt: skip


async def _live_plans(
    store: StoreDep, session: SessionDep, clock: ClockDep
) -> dict[object, subscriptions.CustomerSubscription]:
    """The visitor's live subscriptions by plan (a tier they hold is marked as theirs)."""
    if store.visitor is None:
        return {}
    live = await subscriptions.list_customer_subscriptions(
        session, shop_id=store.shop.id, customer_id=store.visitor.customer.id, now=clock.now()
    )
    return {s.product_id: s for s in live}
