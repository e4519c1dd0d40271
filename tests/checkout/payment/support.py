"""A shopper's client choosing how to pay and paying, and what the tests read."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.checkout.session import get_session
from shopkeeper.checkout.shipping import ShippingMethodRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderRead
from tests.builders.shipping import create_shipping_method
from tests.checkout.finalize.support import enable_sandbox, finalize, get_ready, new_cart, post
from tests.checkout.session.support import Store, events

__all__ = ["enable_sandbox", "finalize", "get_ready", "new_cart", "post"]


async def cod_courier(container: Container, store: Store) -> ShippingMethodRead:
    """A courier that collects cash on delivery (no date needed)."""
    return await create_shipping_method(
        container, shop=store.shop, code="cod-courier", name="Courier with cash",
        kind="courier", prices={"PLN": 1_900}, cash_on_delivery=True,
    )  # fmt: skip


def headers(token: str) -> dict[str, str]:
    return {"X-Cart-Token": token}


async def available(client: AsyncClient, store: Store, token: str) -> dict[str, Any]:
    response = await client.get(store.url("/payment/available"), headers=headers(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def options(body: dict[str, Any]) -> dict[str, tuple[bool, str | None]]:
    """Method code → (available, why not)."""
    return {m["code"]: (m["available"], m["reason"]) for m in body["methods"]}


async def initialize(client: AsyncClient, store: Store, token: str, **body: Any) -> Response:
    return await client.post(store.url("/payment/initialize"), json=body, headers=headers(token))


async def status(client: AsyncClient, store: Store, token: str, transaction_id: str) -> Response:
    return await client.get(store.url(f"/payment/status/{transaction_id}"), headers=headers(token))


async def order_now(container: Container, store: Store, order_id: uuid.UUID | str) -> OrderRead:
    async with unit_of_work(container.sessions) as session:
        return await orders.get_order(
            session, shop_id=store.shop.id, order_id=uuid.UUID(str(order_id))
        )


async def payment_method_code(container: Container, store: Store, cart_id: str) -> str | None:
    async with container.sessions() as session:
        state = await get_session(session, shop_id=store.shop.id, cart_id=uuid.UUID(cart_id))
    return state.payment_method_code if state else None


async def payment_events(container: Container) -> list[tuple[str, dict[str, Any]]]:
    return [(e.name, dict(e.payload)) for e in await events(container, "payment-events")]


async def table_rows(container: Container, model: type) -> list[Any]:
    async with container.sessions() as session:
        return list(await session.scalars(select(model)))
