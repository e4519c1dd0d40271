"""End to end over HTTP: an order placed through the orders API is paid on the sandbox page,
the webhook pays it, events flow to their handlers, and a refund brings the money back."""

from __future__ import annotations

import re
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bus import bus_stats, drain
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from tests.builders.orders import create_sellable, variant_id
from tests.builders.payments import assert_ledger_balanced, read, refund
from tests.payments.conftest import ShopOwner


async def _place(container, client: AsyncClient, so: ShopOwner) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    product = await create_sellable(container, shop=so.shop, price=3300)
    placed = await client.post(
        f"/api/v1/shops/{so.shop.slug}/orders",
        json={"items": [{"variant_id": str(variant_id(product)), "quantity": 2}]},
        headers={**so.owner.headers, "Idempotency-Key": "checkout-1"},
    )
    assert placed.status_code == 201, placed.text
    return placed.json()  # type: ignore[no-any-return]


async def _pay_on_the_hosted_page(client: AsyncClient, redirect_url: str) -> str:
    """Open the page the customer is sent to and press Pay; where it sends them next."""
    page = await client.get(redirect_url.removeprefix("https://shop.example"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None and "€66.00" in page.text
    pressed = await client.post(
        redirect_url.removeprefix("https://shop.example"),
        data={"outcome": "pay", "csrf_token": token.group(1)},
        headers={"Cookie": page.headers["set-cookie"].split(";", 1)[0]},
    )
    assert pressed.status_code == 303
    return pressed.headers["location"]


async def _delivered(container) -> set[str]:  # type: ignore[no-untyped-def]
    """Drain the bus; every handler must have succeeded. The names of all events so far."""
    await drain(container)
    async with unit_of_work(container.sessions) as session:
        stats = await bus_stats(session, container.clock.now())
        names = set(await session.scalars(select(OutboxEvent.name)))
    assert (stats.dead, stats.retrying, stats.unpublished) == (0, 0, 0)
    return names


async def test_order_api_to_sandbox_page_to_paid_to_refunded(container, client, shop_owner):
    shop, owner = shop_owner.shop, shop_owner.owner
    order = await _place(container, client, shop_owner)
    assert (order["state"], order["total"]) == ("pending", 6600)
    order_url = f"/api/v1/shops/{shop.slug}/orders/{order['id']}"
    started = await client.post(
        f"{order_url}/payments",
        json={"return_url": "https://lumen.example/done"},
        headers=owner.headers,
    )
    assert started.status_code == 201, started.text

    assert (
        await _pay_on_the_hosted_page(client, started.json()["redirect_url"])
        == "https://lumen.example/done"
    )

    paid = await read(client, owner, order_url)
    assert (paid["state"], paid["amount_paid"], paid["payment_id"]) == (
        "paid",
        6600,
        started.json()["payment_id"],
    )
    assert {
        "orders.order_placed.v1",
        "orders.order_paid.v1",
        "payments.payment_succeeded.v1",
    } <= await _delivered(container)
    refunded = await refund(client, shop=shop, staff=owner, order_id=order["id"], reason="returned")
    assert refunded.status_code == 201 and refunded.json()["amount"] == 6600
    final = await read(client, owner, order_url)
    assert (final["state"], final["amount_refunded"]) == ("refunded", 6600)
    assert {"payments.refund_succeeded.v1", "orders.order_refunded.v1"} <= await _delivered(
        container
    )
    await assert_ledger_balanced(container, shop=shop)
