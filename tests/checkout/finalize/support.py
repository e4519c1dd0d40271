"""A shopper's client taking a cart to the point of finalisation, and what the tests read."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select

from shopkeeper import payments
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.catalog.models import Variant
from shopkeeper.db import unit_of_work
from shopkeeper.orders.models import Order
from shopkeeper.shops import ShopRead
from tests.checkout.session.support import ADDRESS, Store, add

SUNDAY = "2026-01-04"
CUSTOMER = {"email": "ola@example.com", "phone": "+48600100200", "name": "Ola Nowak"}


async def enable_sandbox(container: Container, shop: ShopRead) -> None:
    async with unit_of_work(container.sessions) as session:
        await payments.configure_gateway_if_absent(
            session, shop=shop, provider="sandbox", config={}, actor=Actor.system("tests"),
            secrets=container.secrets, settings=container.settings, now=container.clock.now(),
        )  # fmt: skip


async def post(client: AsyncClient, store: Store, path: str, token: str, body: Any) -> Response:
    return await client.post(store.url(path), json=body, headers={"X-Cart-Token": token})


async def new_cart(
    client: AsyncClient, store: Store, product: ProductRead, quantity: int = 1
) -> str:
    added = await add(client, store, product, quantity=quantity)
    assert added.status_code == 201, added.text
    return str(added.json()["cart_token"])


async def get_ready(
    client: AsyncClient, store: Store, token: str, *, method: str = "locker",
    payment: str = "sandbox",
) -> dict[str, Any]:  # fmt: skip
    """Shipping, address (and a date for the courier), payment method, customer data: the
    summary of the checkout, ready to finalise."""
    steps: list[tuple[str, Any]] = [
        ("/shipping/select", {"method_code": method}),
        ("/shipping/address", ADDRESS),
    ]
    if method == "courier":
        steps.append(("/shipping/set-date", {"date": SUNDAY, "addons": ["sunday"]}))
    steps += [("/payment/select", {"method": payment}), ("/checkout/customer-data", CUSTOMER)]
    for path, body in steps:
        response = await post(client, store, path, token, body)
        assert response.status_code == 200, f"{path}: {response.text}"
    summary = await client.get(store.url("/checkout/summary"), headers={"X-Cart-Token": token})
    assert summary.status_code == 200 and summary.json()["ready"], summary.text
    return dict(summary.json())


async def finalize(
    client: AsyncClient, store: Store, token: str, summary: dict[str, Any], **extra: Any
) -> Response:
    body = {"cart_id": summary["cart_id"], "expected_total": summary["totals"]["total"], **extra}
    return await post(client, store, "/checkout/finalize", token, body)


async def stock_of(container: Container, product: ProductRead) -> int | None:
    async with container.sessions() as session:
        variant = await session.get(Variant, product.variants[0].id)
        assert variant is not None
        return variant.stock


async def order_count(container: Container, shop: ShopRead) -> int:
    async with container.sessions() as session:
        stmt = select(func.count()).select_from(Order).where(Order.shop_id == shop.id)
        return int(await session.scalar(stmt) or 0)
