"""HTTP: the shopper's checkout under /api/v1/shops/{shop} (no staff auth: the owner is the
cart's, as for /cart — the signed-in storefront customer or the `X-Cart-Token`).

GET /shipping/calendar and GET /services/standalone are served by shipping and services.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from shopkeeper.cache import cache_store
from shopkeeper.checkout.cart.deps import CartOwnerDep, ViewStoreDep
from shopkeeper.checkout.services import CartServices, ItemServices
from shopkeeper.checkout.session import promotion_choice, services_choice, shipping_choice
from shopkeeper.checkout.session.promotion_choice import CodeRefused
from shopkeeper.checkout.session.schemas import (
    CheckoutSummary,
    DeliveryDateSet,
    PromoCodeApply,
    PromotionApply,
    PromotionsRead,
    SessionRead,
    ShippingOptions,
    ShippingSelect,
)
from shopkeeper.checkout.session.totals import checkout_summary
from shopkeeper.checkout.shipping import CalendarClient, ShippingAddress, calendar_client
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["checkout"])


def _calendar(container: ContainerDep) -> CalendarClient:
    return calendar_client(container)


CalendarDep = Annotated[CalendarClient, Depends(_calendar)]


@router.get("/shipping/available")
async def shipping_available(
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    container: ContainerDep,
    calendar: CalendarDep,
) -> ShippingOptions:
    """Every active method priced for the cart as it is; unavailable ones with reasons."""
    return await shipping_choice.shipping_options(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        currency=caller.shop.currency,
        store=store,
        calendar=calendar,
        now=clock.now(),
    )


@router.post("/shipping/select")
async def shipping_select(
    data: ShippingSelect,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    calendar: CalendarDep,
) -> SessionRead:
    """422 when the method cannot carry this cart now (the detail gives the reasons)."""
    return await shipping_choice.select_method(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        data=data,
        store=store,
        calendar=calendar,
        now=clock.now(),
    )


@router.post("/shipping/address")
async def shipping_address(
    data: ShippingAddress,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
) -> SessionRead:
    """Postal codes are checked per country (PL NN-NNN, RU, DE, US, ...)."""
    return await shipping_choice.set_address(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        address=data,
        store=store,
        now=clock.now(),
    )


@router.post("/shipping/set-date")
async def shipping_set_date(
    data: DeliveryDateSet,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    calendar: CalendarDep,
) -> SessionRead:
    """A day the calendar offers for the chosen method and postal code (503 while the
    calendar cannot answer: choose the date again in a moment)."""
    return await shipping_choice.set_delivery_date(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        data=data,
        store=store,
        calendar=calendar,
        now=clock.now(),
    )


@router.get("/promotions/available")
async def promotions_available(
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    container: ContainerDep,
) -> PromotionsRead:
    return await promotion_choice.available_promotions(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        currency=caller.shop.currency,
        store=store,
        now=clock.now(),
        cache=cache_store(container),
    )


@router.post("/promotions/apply")
async def promotions_apply(
    data: PromotionApply,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
) -> PromotionsRead:
    return await promotion_choice.apply_promotion(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        promotion_id=data.promotion_id,
        store=store,
        now=clock.now(),
    )


@router.post("/promotions/apply-code", response_model=PromotionsRead)
async def promotions_apply_code(
    data: PromoCodeApply,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
) -> PromotionsRead | JSONResponse:
    """422 `PromoCodeInvalid` with `reason` (the promotions error) and `detail` when the
    code does not apply; nothing changes, and promotions.promo_code_invalid.v1 is published."""
    result = await promotion_choice.apply_code(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        code=data.code,
        store=store,
        now=clock.now(),
    )
    if isinstance(result, CodeRefused):  # a normal return: the event's transaction commits
        return JSONResponse(
            {"error": "PromoCodeInvalid", "reason": result.reason, "detail": result.detail},
            status_code=422,
        )
    return result


@router.delete("/promotions/{promotion_id}")
async def promotions_remove(
    promotion_id: uuid.UUID,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
) -> PromotionsRead:
    """Take off an applied promo code (by its id) or set an applied promotion aside."""
    return await promotion_choice.remove_promotion(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        promotion_id=promotion_id,
        store=store,
        now=clock.now(),
    )


@router.get("/services/available")
async def services_available(
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    container: ContainerDep,
) -> CartServices:
    """Per product line of the cart its services, and the standalone ones, priced."""
    return await services_choice.cart_services(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        currency=caller.shop.currency,
        language=caller.shop.default_language,
        store=store,
        now=clock.now(),
        cache=cache_store(container),
    )


@router.get("/services/for-item/{item_id}")
async def services_for_item(
    item_id: uuid.UUID,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    container: ContainerDep,
) -> ItemServices:
    return await services_choice.item_services(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        item_id=item_id,
        currency=caller.shop.currency,
        language=caller.shop.default_language,
        store=store,
        now=clock.now(),
        cache=cache_store(container),
    )


@router.get("/checkout/summary")
async def summary(
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    store: ViewStoreDep,
    container: ContainerDep,
    calendar: CalendarDep,
) -> CheckoutSummary:
    """Lines, services, warranties, shipping, promotions, totals and what is still missing."""
    return await checkout_summary(
        session,
        shop_id=caller.shop.id,
        owner=caller.owner,
        currency=caller.shop.currency,
        store=store,
        calendar=calendar,
        cache=cache_store(container),
        now=clock.now(),
    )
