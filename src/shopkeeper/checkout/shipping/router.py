"""HTTP: staff manage /shipping-methods; anyone may read a dated method's /shipping/calendar."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shopkeeper import shops
from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping import delivery, methods
from shopkeeper.checkout.shipping.deps import CalendarDep, CheckoutRead, CheckoutWrite
from shopkeeper.checkout.shipping.schemas import (
    ShippingMethodCreate,
    ShippingMethodRead,
    ShippingMethodUpdate,
)
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.shops.deps import ShopSlug

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["shipping"])
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.get("/shipping-methods")
async def list_shipping_methods(
    session: SessionDep, access: CheckoutRead
) -> list[ShippingMethodRead]:
    return await methods.list_methods(session, shop_id=access.shop.id)


@router.post("/shipping-methods", status_code=status.HTTP_201_CREATED)
async def create_shipping_method(
    data: ShippingMethodCreate, session: SessionDep, clock: ClockDep, access: CheckoutWrite,
    container: ContainerDep,
) -> ShippingMethodRead:  # fmt: skip
    """Prices and limits are minor units per currency; `max_item_dimensions_mm` any order."""
    return await methods.create_method(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now(),
        cache=cache_store(container),
    )  # fmt: skip


@router.get("/shipping-methods/{method_id}")
async def get_shipping_method(
    method_id: uuid.UUID, session: SessionDep, access: CheckoutRead
) -> ShippingMethodRead:
    return await methods.get_method(session, shop_id=access.shop.id, method_id=method_id)


@router.patch("/shipping-methods/{method_id}")
async def update_shipping_method(
    method_id: uuid.UUID,
    data: ShippingMethodUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CheckoutWrite,
    container: ContainerDep,
) -> ShippingMethodRead:
    """Absent fields stay; the changed method must still be valid as a whole (else 422)."""
    return await methods.update_method(
        session,
        shop_id=access.shop.id,
        method_id=method_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
        cache=cache_store(container),
    )


@router.delete("/shipping-methods/{method_id}", status_code=NO_CONTENT)
async def delete_shipping_method(
    method_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CheckoutWrite,
    container: ContainerDep,
) -> Response:  # fmt: skip
    await methods.delete_method(
        session, shop_id=access.shop.id, method_id=method_id, actor=access.actor,
        now=clock.now(), cache=cache_store(container),
    )  # fmt: skip
    return Response(status_code=NO_CONTENT)


@router.get("/shipping/calendar")
async def delivery_calendar(
    shop: ShopSlug,
    session: SessionDep,
    clock: ClockDep,
    calendar: CalendarDep,
    method: Annotated[str, Query(min_length=1, max_length=32)],
    country: Annotated[str, Query(min_length=2, max_length=2)],
    postal_code: Annotated[str, Query(min_length=1, max_length=20)],
) -> delivery.DeliveryDays:
    """Public: the days an active dated method delivers to the postal code.

    503 `CalendarUnavailable` (with Retry-After when known) while the calendar cannot
    answer: the method stays on offer, only its dates cannot be shown yet.
    """
    found = await shops.get_shop(session, slug=shop)
    answer = await delivery.delivery_days(
        session,
        shop_id=found.id,
        method_code=method,
        country=country,
        postal_code=postal_code,
        calendar=calendar,
        now=clock.now(),
    )
    if isinstance(answer, delivery.DatesUnavailable):
        raise answer.error()
    return answer
