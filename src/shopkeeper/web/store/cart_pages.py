"""The cart page: lines with quantities and their discounts, promotions the cart has (or is
close to), the promo code; and "add to cart" from a product page. Anonymous shoppers' carts
are named by the `sk_cart` cookie; signed-in shoppers' by their session."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Form, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout import cart
from shopkeeper.checkout import session as checkout
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.store import offers
from shopkeeper.web.store.checkout_reads import Reader
from shopkeeper.web.store.errors import ProductUnavailable, StoreRoute
from shopkeeper.web.store.problems import code_refusal, error_text
from shopkeeper.web.store.shopper import ShopperCsrf, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)


async def cart_page(reader: Reader, *, status_code: int = 200, **values: Any) -> Response:
    """The cart as it is now, with `values` (an error, the code typed) on top."""
    view = await reader.view()
    summary = await reader.summary()
    promotions = await reader.promotions() if summary is not None else None
    stock = {line.id: line.stock_available for line in view.items}
    context = {"step": "cart", "view": view, "summary": summary, "promotions": promotions,
               "stock": stock, "error": None, "code_error": None, "code": "",
               "max_quantity": cart.MAX_QUANTITY, **values}  # fmt: skip
    return reader.shopper.render("store/cart.html", context, status_code=status_code)


def _reader(shopper: ShopperDep, session: AsyncSession, container: ContainerDep,
            clock: ClockDep) -> Reader:  # fmt: skip
    return Reader(shopper, session, container, clock.now())


async def _refused(reader: Reader, exc: AppError) -> Response:
    text = error_text(reader.shopper.store.gettext, exc)
    async with reader.reading() as fresh:  # nothing of the refused change stays
        return await cart_page(fresh, status_code=exc.status_code, error=text)


async def _invalid(reader: Reader, *, keep: bool = False, **values: Any) -> Response:
    async with reader.reading(keep=keep) as fresh:
        return await cart_page(fresh, status_code=422, **values)


@router.get("/cart", name="store_cart")
async def show_cart(shopper: ShopperDep, session: SessionDep, container: ContainerDep,
                    clock: ClockDep) -> Response:  # fmt: skip
    return await cart_page(_reader(shopper, session, container, clock))


@router.post("/cart/add", dependencies=[ShopperCsrf], name="store_cart_add")
async def add_to_cart(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    variant: uuid.UUID = Form(...), quantity: int = Form(1, ge=1, le=cart.MAX_QUANTITY),
) -> Response:  # fmt: skip
    """A physical product's variant into the cart (a new anonymous cart gets its cookie)."""
    store = shopper.store
    if await offers.find_cart_offer(session, shop=store.shop, variant_id=variant) is None:
        raise ProductUnavailable()
    reader = _reader(shopper, session, container, clock)
    await reader.has_cart()  # drops a stale cookie before the add
    data = cart.CartItemCreate(type=cart.ItemType.OFFER, variant_id=variant, quantity=quantity)
    try:
        added = await cart.add_item(session, shop_id=store.shop.id, owner=shopper.owner,
                                    data=data, currency=store.shop.currency,
                                    now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    shopper.keep_cart(added.cart_token)
    return shopper.redirect("/cart")


@router.post("/cart/items/{item_id}", dependencies=[ShopperCsrf], name="store_cart_quantity")
async def change_quantity(
    item_id: uuid.UUID, shopper: ShopperDep, session: SessionDep, container: ContainerDep,
    clock: ClockDep, quantity: int = Form(...),
) -> Response:  # fmt: skip
    reader = _reader(shopper, session, container, clock)
    if not 1 <= quantity <= cart.MAX_QUANTITY:
        _ = shopper.store.gettext
        error = _("Choose a quantity from 1 to %(count)s.", count=cart.MAX_QUANTITY)
        return await _invalid(reader, error=error)
    try:
        await cart.change_quantity(session, shop_id=shopper.store.shop.id, owner=shopper.owner,
                                   item_id=item_id, quantity=quantity,
                                   now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    return shopper.redirect("/cart")


@router.post("/cart/items/{item_id}/remove", dependencies=[ShopperCsrf],
             name="store_cart_remove")  # fmt: skip
async def remove_item(item_id: uuid.UUID, shopper: ShopperDep, session: SessionDep,
                      container: ContainerDep, clock: ClockDep,
                      back: str = Form("cart")) -> Response:  # fmt: skip
    """Remove a line (its services and warranty go with it); back to the cart or extras."""
    reader = _reader(shopper, session, container, clock)
    try:
        await cart.remove_item(session, shop_id=shopper.store.shop.id, owner=shopper.owner,
                               item_id=item_id, now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    return shopper.redirect("/checkout/extras" if back == "extras" else "/cart")


@router.post("/cart/code", dependencies=[ShopperCsrf], name="store_cart_code")
async def apply_code(
    shopper: ShopperDep, session: SessionDep, container: ContainerDep, clock: ClockDep,
    code: str = Form("", max_length=200),
) -> Response:  # fmt: skip
    """Apply a promo code; a refused one is shown with its reason (and changes nothing)."""
    reader = _reader(shopper, session, container, clock)
    _ = shopper.store.gettext
    typed = code.strip()
    if not typed or len(typed) > 64:
        return await _invalid(reader, code=typed[:64], code_error=_("Enter a promo code."))
    try:
        result = await checkout.apply_code(session, shop_id=shopper.store.shop.id,
                                           owner=shopper.owner, code=typed, store=reader.views,
                                           now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    if isinstance(result, checkout.CodeRefused):  # the event saying so is kept
        return await _invalid(reader, keep=True, code=typed,
                              code_error=code_refusal(_, result.reason))  # fmt: skip
    return shopper.redirect("/cart")


@router.post("/cart/promotions/{promotion_id}/remove", dependencies=[ShopperCsrf],
             name="store_cart_promotion_remove")  # fmt: skip
async def remove_promotion(promotion_id: uuid.UUID, shopper: ShopperDep, session: SessionDep,
                           container: ContainerDep, clock: ClockDep) -> Response:  # fmt: skip
    """Take a promo code off, or set a promotion aside."""
    reader = _reader(shopper, session, container, clock)
    try:
        await checkout.remove_promotion(session, shop_id=shopper.store.shop.id,
                                        owner=shopper.owner, promotion_id=promotion_id,
                                        store=reader.views, now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    return shopper.redirect("/cart")


@router.post("/cart/promotions/{promotion_id}/apply", dependencies=[ShopperCsrf],
             name="store_cart_promotion_apply")  # fmt: skip
async def apply_promotion(promotion_id: uuid.UUID, shopper: ShopperDep, session: SessionDep,
                          container: ContainerDep, clock: ClockDep) -> Response:  # fmt: skip
    """Take a promotion set aside back."""
    reader = _reader(shopper, session, container, clock)
    try:
        await checkout.apply_promotion(session, shop_id=shopper.store.shop.id,
                                       owner=shopper.owner, promotion_id=promotion_id,
                                       store=reader.views, now=reader.now)  # fmt: skip
    except AppError as exc:
        return await _refused(reader, exc)
    return shopper.redirect("/cart")
