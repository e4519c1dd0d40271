"""Placing orders over HTTP: line snapshots, totals and tax, numbers, stock, customers, events."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.orders.models import Order
from tests.builders import create_shop, shop_with_owner, staff_member
from tests.builders.catalog import set_prices_include_tax
from tests.builders.orders import (
    create_customer,
    create_sellable,
    place_order,
    published,
    stock_of,
    variant_id,
)
from tests.builders.promotions import create_promo_code


def _orders(slug: str) -> str:
    return f"/api/v1/shops/{slug}/orders"


async def test_an_order_snapshots_its_lines_and_adds_up(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client, slug=f"lumen-{uuid.uuid4().hex[:6]}")
    lamp = await create_sellable(
        container, shop=shop, kind="physical", price=1230, stock=10, tax_rate_bp=2300,
        name="Lamp",
    )  # fmt: skip
    ebook = await create_sellable(container, shop=shop, price=500, name="Ebook")
    code = await create_promo_code(container, shop=shop, percent_off_bp=1000)
    body = {
        "items": [{"variant_id": str(variant_id(lamp)), "quantity": 3},
                  {"variant_id": str(variant_id(ebook))}],
        "promo_code": code.code.lower(),
        "shipping_amount": 990,
    }  # fmt: skip
    response = await client.post(_orders(shop.slug), json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    order = response.json()
    # Prices include tax (the shop default): 10 % off each line, tax = the share inside.
    assert [
        (x["name"], x["sku"], x["kind"], x["unit_amount"], x["quantity"], x["amount"],
         x["discount"], x["tax_rate_bp"], x["tax"], x["total"])
        for x in order["lines"]
    ] == [
        ("Lamp", lamp.variants[0].sku, "physical", 1230, 3, 3690, 369, 2300, 621, 3321),
        ("Ebook", ebook.variants[0].sku, "digital", 500, 1, 500, 50, 0, 0, 450),
    ]  # fmt: skip
    assert {k: order[k] for k in ("subtotal", "discount", "tax", "shipping", "total")} == {
        "subtotal": 4190, "discount": 419, "tax": 621, "shipping": 990, "total": 4761,
    }  # fmt: skip
    assert order["number"] == f"{shop.slug[:3].upper()}-000001" == "LUM-000001"
    assert order["state"] == "pending" and order["currency"] == "EUR"
    assert order["promo_code"] == code.code and order["amount_paid"] == 0
    assert order["expires_at"] is not None
    assert await stock_of(container, lamp) == 7


async def test_net_prices_get_tax_added_on_top(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    await set_prices_include_tax(container, shop=shop, value=False)
    product = await create_sellable(container, shop=shop, price=1000, tax_rate_bp=2300)
    body = {"items": [{"variant_id": str(variant_id(product)), "quantity": 2}]}
    order = (await client.post(_orders(shop.slug), json=body, headers=owner.headers)).json()
    assert (order["subtotal"], order["tax"], order["total"]) == (2000, 460, 2460)
    assert order["lines"][0]["tax_included"] is False


async def test_placement_publishes_order_placed_and_is_audited(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="plan", price=900)
    body = {"items": [{"variant_id": str(variant_id(product))}], "source": "telegram"}
    order = (await client.post(_orders(shop.slug), json=body, headers=owner.headers)).json()
    [event] = await published(container, "orders.order_placed.v1")
    assert event["order_id"] == order["id"] and event["number"] == order["number"]
    assert event["source"] == "telegram" and event["total"] == 900
    assert event["lines"] == [{
        "product_id": str(product.id), "variant_id": str(variant_id(product)), "kind": "plan",
        "quantity": 1,
    }]  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        page = await audit.list_entries(
            session, shop_id=shop.id, filters=audit.AuditFilter(action="order.placed")
        )
    assert [(e.target_id, e.actor_id, e.after) for e in page.items] == [
        (order["id"], owner.user.id, {"number": order["number"], "state": "pending",
                                      "currency": "EUR", "total": 900, "promo_code": None})
    ]  # fmt: skip


async def test_order_numbers_are_a_sequence_per_shop(container: Container) -> None:
    first, second = await create_shop(container), await create_shop(container)
    a = await create_sellable(container, shop=first)
    b = await create_sellable(container, shop=second)

    async def place(shop, product):  # type: ignore[no-untyped-def]
        return (await place_order(container, shop=shop, items=[(product, 1)])).number

    numbers_a = await asyncio.gather(*(place(first, a) for _ in range(12)))
    numbers_b = [await place(second, b) for _ in range(2)]
    prefix = first.slug[:3].upper()
    assert sorted(numbers_a) == [f"{prefix}-{n:06d}" for n in range(1, 13)]
    assert numbers_b == [f"{prefix}-000001", f"{prefix}-000002"]  # both slugs start "shop"


async def test_stock_shortfall_refuses_the_whole_order(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    scarce = await create_sellable(container, shop=shop, kind="physical", stock=2)
    plenty = await create_sellable(container, shop=shop, kind="physical", stock=50)
    code = await create_promo_code(container, shop=shop, max_uses=5)
    body = {
        "items": [{"variant_id": str(variant_id(plenty)), "quantity": 5},
                  {"variant_id": str(variant_id(scarce)), "quantity": 3}],
        "promo_code": code.code,
    }  # fmt: skip
    response = await client.post(_orders(shop.slug), json=body, headers=owner.headers)
    assert response.status_code == 409 and response.json()["error"] == "OutOfStock"
    assert (await stock_of(container, scarce), await stock_of(container, plenty)) == (2, 50)
    used = await client.get(
        f"/api/v1/shops/{shop.slug}/promo-codes/{code.id}", headers=owner.headers
    )
    assert used.json()["used_count"] == 0
    async with unit_of_work(container.sessions) as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_repeated_variants_become_one_line(container: Container) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, kind="physical", stock=10, price=100)
    order = await place_order(container, shop=shop, items=[(product, 2), (product, 3)])
    assert [(line.quantity, line.amount) for line in order.lines] == [(5, 500)]
    assert await stock_of(container, product) == 5


async def test_a_customer_must_belong_to_the_shop(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    ours = await create_customer(container, shop=shop)
    theirs = await create_customer(container, shop=await create_shop(container))
    item = [{"variant_id": str(variant_id(product))}]
    ok = await client.post(
        _orders(shop.slug), json={"items": item, "customer_id": str(ours.id)},
        headers=owner.headers,
    )  # fmt: skip
    assert ok.status_code == 201 and ok.json()["customer_id"] == str(ours.id)
    refused = await client.post(
        _orders(shop.slug), json={"items": item, "customer_id": str(theirs.id)},
        headers=owner.headers,
    )  # fmt: skip
    assert refused.status_code == 404 and refused.json()["error"] == "CustomerNotFound"


async def test_bad_orders_are_refused_with_clear_errors(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, price=100, currency="EUR")
    variant = str(variant_id(product))
    cases = [
        ({"items": []}, 422, "ValidationError"),
        ({"items": [{"variant_id": variant, "quantity": 0}]}, 422, "ValidationError"),
        ({"items": [{"variant_id": variant}], "shipping_amount": -1}, 422, "ValidationError"),
        ({"items": [{"variant_id": variant}], "currency": "E1R"}, 422, "ValidationError"),
        ({"items": [{"variant_id": str(uuid.uuid4())}]}, 404, "VariantNotFound"),
        ({"items": [{"variant_id": variant}], "currency": "USD"}, 422, "PriceNotFound"),
        ({"items": [{"variant_id": variant}], "promo_code": "NOPE"}, 404, "PromoCodeNotFound"),
    ]
    for body, status, error in cases:
        response = await client.post(_orders(shop.slug), json=body, headers=owner.headers)
        assert (response.status_code, response.json()["error"]) == (status, error), body


async def test_staff_see_only_their_shop_and_need_the_permission(
    container: Container, client: AsyncClient
) -> None:
    shop, _ = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    order = await place_order(container, shop=shop, items=[(product, 1)])
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    _, stranger = await shop_with_owner(container, client)
    body = {"items": [{"variant_id": str(variant_id(product))}]}
    assert (await client.get(f"{_orders(shop.slug)}/{order.id}", headers=viewer.headers)).json()[
        "id"
    ] == str(order.id)
    denied = await client.post(_orders(shop.slug), json=body, headers=viewer.headers)
    assert denied.status_code == 403
    for url in (_orders(shop.slug), f"{_orders(shop.slug)}/{order.id}"):
        assert (await client.get(url, headers=stranger.headers)).status_code == 404


async def test_orders_list_newest_first_filtered_by_state_and_customer(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    older = await place_order(container, shop=shop, items=[(product, 1)])
    container.clock.advance(minutes=1)  # type: ignore[attr-defined]
    newer = await place_order(container, shop=shop, items=[(product, 1)], customer_id=customer.id)
    await client.post(f"{_orders(shop.slug)}/{older.id}/cancel", headers=owner.headers)
    url = _orders(shop.slug)
    page = (await client.get(url, headers=owner.headers)).json()
    assert [o["id"] for o in page["items"]] == [str(newer.id), str(older.id)]
    assert page["total"] == 2
    pending = (await client.get(url, params={"state": "pending"}, headers=owner.headers)).json()
    assert [o["id"] for o in pending["items"]] == [str(newer.id)]
    mine = await client.get(url, params={"customer_id": str(customer.id)}, headers=owner.headers)
    assert [o["id"] for o in mine.json()["items"]] == [str(newer.id)]
    limited = await client.get(url, params={"limit": 1, "offset": 1}, headers=owner.headers)
    assert [o["id"] for o in limited.json()["items"]] == [str(older.id)]


async def test_orders_list_finds_a_number_as_typed_and_sorts_by_total(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    cheap = await create_sellable(container, shop=shop, price=100)
    dear = await create_sellable(container, shop=shop, price=900)
    first = await place_order(container, shop=shop, items=[(dear, 1)])
    second = await place_order(container, shop=shop, items=[(cheap, 1)])
    url = _orders(shop.slug)

    async def ids(**params: object) -> list[str]:
        response = await client.get(url, params=params, headers=owner.headers)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    digits = str(int(second.number.rsplit("-", 1)[1]))
    for typed in (second.number, second.number.lower(), digits, f"#{digits}", f" {digits} "):
        assert await ids(number=typed) == [str(second.id)], typed
    for nothing in ("ZZZ-000002", "99999", "not a number", "-1"):
        assert await ids(number=nothing) == [], nothing
    assert await ids(sort="total_asc") == [str(second.id), str(first.id)]
    assert await ids(sort="total_desc") == [str(first.id), str(second.id)]
    assert await ids(sort="oldest") == [str(first.id), str(second.id)]
    bad = await client.get(url, params={"sort": "price"}, headers=owner.headers)
    assert bad.status_code == 422


async def test_unpaid_orders_expire_after_the_configured_time(container: Container) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop)
    order = await place_order(container, shop=shop, items=[(product, 1)])
    assert order.expires_at == order.created_at + timedelta(minutes=60)
