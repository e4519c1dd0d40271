"""HTTP: /api/v1/shops/{shop}/orders — place (Idempotency-Key), list, read, cancel, fulfil."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from shopkeeper.deps import ClockDep, SessionDep, SettingsDep
from shopkeeper.kit.pagination import Page
from shopkeeper.orders.schemas import OrderCancel, OrderCreate, OrderRead, OrderSort, OrderState
from shopkeeper.orders.service import idempotency, lifecycle, placement, reads
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/orders", tags=["orders"])
Read = Annotated[ShopAccess, require("orders.read")]
Write = Annotated[ShopAccess, require("orders.write")]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="same key + same body → the same order"),
]


@router.post("", status_code=status.HTTP_201_CREATED)
async def place_order(
    data: OrderCreate,
    response: Response,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    access: Write,
    idempotency_key: IdempotencyKeyHeader = None,
) -> OrderRead:
    """201 with the new order; 200 with the same order when the Idempotency-Key repeats."""
    data = data.model_copy(update={"currency": data.currency or access.shop.currency})
    ttl = timedelta(minutes=settings.order_ttl_minutes)
    if idempotency_key is None:
        return await placement.place_order(
            session, shop_id=access.shop.id, customer_id=data.customer_id,
            currency=data.currency or access.shop.currency, items=data.items,
            promo_code=data.promo_code, shipping_amount=data.shipping_amount,
            source=data.source, now=clock.now(), ttl=ttl, actor=access.actor,
        )  # fmt: skip
    order, created = await idempotency.place_order_once(
        session, shop_id=access.shop.id, key=idempotency_key, data=data, now=clock.now(),
        ttl=ttl, actor=access.actor,
    )  # fmt: skip
    if not created:
        response.status_code = status.HTTP_200_OK
    return order


@router.get("")
async def list_orders(
    session: SessionDep,
    access: Read,
    state: OrderState | None = None,
    customer_id: uuid.UUID | None = None,
    number: Annotated[
        str | None, Query(max_length=40, description="LUM-000042, lum-42, 42")
    ] = None,
    sort: OrderSort = OrderSort.NEWEST,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[OrderRead]:
    """Newest first (or `sort`); filter by state, customer or number."""
    return await reads.list_orders(
        session, shop_id=access.shop.id, state=state, customer_id=customer_id, number=number,
        sort=sort, limit=limit, offset=offset,
    )  # fmt: skip


@router.get("/{order_id}")
async def get_order(order_id: uuid.UUID, session: SessionDep, access: Read) -> OrderRead:
    return await reads.get_order(session, shop_id=access.shop.id, order_id=order_id)


@router.post("/{order_id}/cancel")
async def cancel_order(
    order_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: Write,
    data: OrderCancel | None = None,
) -> OrderRead:
    """Only a pending order; a paid one is refunded instead. Stock and promo use come back."""
    return await lifecycle.cancel_order(
        session, shop_id=access.shop.id, order_id=order_id,
        reason=(data or OrderCancel()).reason, now=clock.now(), actor=access.actor,
    )  # fmt: skip


@router.post("/{order_id}/fulfil")
async def fulfil_order(
    order_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> OrderRead:
    return await lifecycle.fulfil_order(
        session, shop_id=access.shop.id, order_id=order_id, now=clock.now(), actor=access.actor
    )
