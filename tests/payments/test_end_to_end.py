"""End to end over HTTP: an order placed through the orders API is paid on the sandbox page,
the webhook pays it, events flow to their handlers, and a refund brings the money back."""

from __future__ import annotations

import re

from sqlalchemy import select

from shopkeeper.bus import bus_stats, drain
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from tests.builders.orders import create_sellable, variant_id
from tests.builders.payments import assert_ledger_balanced, refund


async def test_order_api_to_sandbox_page_to_paid_to_refunded(container, client, shop_owner):
    shop, owner = shop_owner.shop, shop_owner.owner
    product = await create_sellable(container, shop=shop, price=3300)
    placed = await client.post(
        f"/api/v1/shops/{shop.slug}/orders",
        json={"items": [{"variant_id": str(variant_id(product)), "quantity": 2}]},
        headers={**owner.headers, "Idempotency-Key": "checkout-1"},
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["state"], order["total"]) == ("pending", 6600)

    started = await client.post(
        f"/api/v1/shops/{shop.slug}/orders/{order['id']}/payments",
        json={"return_url": "https://lumen.example/done"},
        headers=owner.headers,
    )
    assert started.status_code == 201, started.text
    page = await client.get(started.json()["redirect_url"].removeprefix("https://shop.example"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None and "€66.00" in page.text
    pressed = await client.post(
        f"/pay/{started.json()['payment_id']}",
        data={"outcome": "pay", "csrf_token": token.group(1)},
        headers={"Cookie": page.headers["set-cookie"].split(";", 1)[0]},
    )
    assert (
        pressed.status_code == 303 and pressed.headers["location"] == "https://lumen.example/done"
    )

    paid = (
        await client.get(f"/api/v1/shops/{shop.slug}/orders/{order['id']}", headers=owner.headers)
    ).json()
    assert (paid["state"], paid["amount_paid"], paid["payment_id"]) == (
        "paid",
        6600,
        started.json()["payment_id"],
    )
    await drain(container)
    async with unit_of_work(container.sessions) as session:
        stats = await bus_stats(session, container.clock.now())
        names = set(await session.scalars(select(OutboxEvent.name)))
    assert (stats.dead, stats.retrying, stats.unpublished) == (0, 0, 0)
    assert {
        "orders.order_placed.v1",
        "orders.order_paid.v1",
        "payments.payment_succeeded.v1",
    } <= names

    refunded = await refund(client, shop=shop, staff=owner, order_id=order["id"], reason="returned")
    assert refunded.status_code == 201 and refunded.json()["amount"] == 6600
    final = (
        await client.get(f"/api/v1/shops/{shop.slug}/orders/{order['id']}", headers=owner.headers)
    ).json()
    assert (final["state"], final["amount_refunded"]) == ("refunded", 6600)
    await drain(container)
    async with unit_of_work(container.sessions) as session:
        stats = await bus_stats(session, container.clock.now())
        names = set(await session.scalars(select(OutboxEvent.name)))
    assert stats.dead == 0 and {"payments.refund_succeeded.v1", "orders.order_refunded.v1"} <= names
    await assert_ledger_balanced(container, shop=shop)
