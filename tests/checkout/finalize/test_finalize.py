"""POST /checkout/finalize over HTTP: the order placed from the checkout as confirmed (lines,
services, warranties, the promotions' and the code's discounts, shipping), stock reserved,
the cart converted, the events, the payment started; a repeat gives the same order; what is
missing, a changed total, another owner's cart and a shortfall are refused, changing nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

from httpx import AsyncClient

from shopkeeper import orders, payments
from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.builders.catalog import create_product, create_tax_class, set_prices_include_tax
from tests.checkout.finalize.support import (
    enable_sandbox,
    finalize,
    get_ready,
    new_cart,
    order_count,
    post,
    stock_of,
)
from tests.checkout.session.support import Store, add, events
from tests.fakes.delivery_calendar import FakeCalendar


async def _full_cart(client: AsyncClient, store: Store) -> tuple[str, dict[str, str]]:
    token = await new_cart(client, store, store.lamp, quantity=2)
    headers = {"X-Cart-Token": token}
    fridge = await add(client, store, store.fridge, token=token)
    assert fridge.status_code == 201, fridge.text
    parent = fridge.json()["item"]["id"]
    for product, kind in ((store.warranty, "warranty"), (store.carry_in, "service")):
        tied = await add(client, store, product, type=kind, parent=parent, token=token)
        assert tied.status_code == 201, tied.text
    return token, headers


async def test_finalize_places_the_order_reserves_stock_converts_the_cart_and_starts_payment(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    token, headers = await _full_cart(client, store)
    assert (
        await post(client, store, "/promotions/apply-code", token, {"code": "SAVE5"})
    ).is_success
    summary = await get_ready(client, store, token, method="courier")

    response = await finalize(client, store, token, summary)

    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    order = body["order"]
    assert body["created"] and order["source"] == "checkout" and order["state"] == "pending"
    assert order["total"] == summary["totals"]["total"]
    assert order["discount"] == summary["totals"]["discounts"] > 0
    assert order["shipping"] == 2_500 + 1_500 and order["promo_code"] == "SAVE5"
    assert {(line["name"], line["quantity"]) for line in order["lines"]} == {
        ("Desk lamp", 2), ("Fridge", 1), ("Fridge warranty", 1), ("Carrying in", 1),
    }  # fmt: skip
    assert body["checkout"]["snapshot"]["shipping"]["delivery_date"] == "2026-01-04"
    assert body["payment"]["method"] == "sandbox" and "/pay/" in body["payment"]["redirect_url"]
    assert await stock_of(container, store.lamp) == 18
    assert await stock_of(container, store.fridge) == 19

    gone = await client.get(store.url("/cart"), headers=headers)
    assert gone.status_code == 404 and "order" in gone.json()["detail"]
    again = await finalize(client, store, token, summary)
    assert again.status_code == 200 and again.json()["order"]["id"] == order["id"]
    assert not again.json()["created"] and await order_count(container, store.shop) == 1
    assert await stock_of(container, store.lamp) == 18
    published = [e.name for e in await events(container, "checkout-events")]
    assert published.count("checkout.order_created.v1") == 1
    assert published.count("checkout.checkout_completed.v1") == 1


async def test_what_is_missing_is_listed_and_nothing_is_placed(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token = await new_cart(client, store, store.lamp)
    summary = (await client.get(store.url("/checkout/summary"),
                                headers={"X-Cart-Token": token})).json()  # fmt: skip

    response = await finalize(client, store, token, summary)

    assert response.status_code == 422, response.text
    missing = response.json()["missing"]
    assert {"shipping_method", "shipping_address", "payment_method"} <= set(missing)
    assert await order_count(container, store.shop) == 0
    assert await stock_of(container, store.lamp) == 20
    assert (await client.get(store.url("/cart"), headers={"X-Cart-Token": token})).is_success


async def test_a_changed_total_is_refused_with_the_new_one(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token)

    stale = await finalize(client, store, token, summary,
                           expected_total=summary["totals"]["total"] + 100)  # fmt: skip

    assert stale.status_code == 409, stale.text
    assert stale.json()["total"] == summary["totals"]["total"]
    assert await order_count(container, store.shop) == 0


async def test_another_owners_cart_is_not_found(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    mine = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, mine)
    theirs = await new_cart(client, store, store.lamp)

    response = await finalize(client, store, theirs, summary)

    assert response.status_code == 404, response.text
    assert await order_count(container, store.shop) == 0


async def test_a_shortfall_since_the_summary_is_refused_and_nothing_is_kept(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    first = await new_cart(client, store, store.lamp, quantity=15)
    second = await new_cart(client, store, store.lamp, quantity=10)
    first_summary = await get_ready(client, store, first)
    second_summary = await get_ready(client, store, second)

    assert (await finalize(client, store, first, first_summary)).status_code == 201
    refused = await finalize(client, store, second, second_summary)

    assert refused.status_code in (409, 422), refused.text
    assert await stock_of(container, store.lamp) == 5
    assert await order_count(container, store.shop) == 1
    assert (await client.get(store.url("/cart"), headers={"X-Cart-Token": second})).is_success


async def test_after_a_failed_payment_the_cart_opens_again_and_a_new_order_can_be_placed(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp, quantity=3)
    first = await finalize(client, store, token, await get_ready(client, store, token))
    assert first.status_code == 201, first.text
    assert await stock_of(container, store.lamp) == 17
    payment_id = uuid.UUID(first.json()["payment"]["redirect_url"].rstrip("/").split("/")[-1])

    await payments.press_sandbox(container, payment_id=payment_id, outcome="fail")
    await drain(container)

    assert await stock_of(container, store.lamp) == 20  # the cancelled order gave it back
    reopened = await client.get(store.url("/cart"), headers={"X-Cart-Token": token})
    assert reopened.status_code == 200 and reopened.json()["item_count"] == 3
    summary = (await client.get(store.url("/checkout/summary"),
                                headers={"X-Cart-Token": token})).json()  # fmt: skip
    second = await finalize(client, store, token, summary)
    assert second.status_code == 201, second.text
    assert second.json()["order"]["id"] != first.json()["order"]["id"]
    assert (
        await stock_of(container, store.lamp) == 17
        and await order_count(container, store.shop) == 2
    )


async def test_with_the_calendar_down_the_circuit_opens_and_an_undated_checkout_completes(
    client: AsyncClient, store: Store, container: Container, fake_calendar: FakeCalendar
) -> None:
    await enable_sandbox(container, store.shop)
    fake_calendar.mode = "fail"
    token = await new_cart(client, store, store.lamp)
    headers = {"X-Cart-Token": token}
    where = {"method": "courier", "country": "PL", "postal_code": "00-950"}
    for _ in range(6):  # enough failures to open the circuit
        await client.get(store.url("/shipping/calendar"), headers=headers, params=where)
    asked = len(fake_calendar.calls)
    methods = (await client.get(store.url("/shipping/available"), headers=headers)).json()
    courier = next(m for m in methods["methods"] if m["code"] == "courier")
    assert courier["requires_delivery_date"] and courier["calendar"] == "unavailable"
    assert len(fake_calendar.calls) == asked  # the open circuit asks the calendar nothing

    summary = await get_ready(client, store, token, method="locker")
    placed = await finalize(client, store, token, summary)

    assert placed.status_code == 201, placed.text
    assert placed.json()["order"]["shipping"] == 999


async def test_an_order_that_expires_unpaid_gives_back_its_stock_and_its_cart(
    client: AsyncClient, store: Store, container: Container, clock: FrozenClock
) -> None:
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp, quantity=4)
    placed = await finalize(client, store, token, await get_ready(client, store, token))
    assert placed.status_code == 201 and await stock_of(container, store.lamp) == 16
    await drain(container)

    clock.advance(minutes=container.settings.order_ttl_minutes + 1)
    async with unit_of_work(container.sessions) as session:
        assert await orders.expire_unpaid(session, now=clock.now()) == 1
    await drain(container)

    assert await stock_of(container, store.lamp) == 20
    cart = await client.get(store.url("/cart"), headers={"X-Cart-Token": token})
    assert cart.status_code == 200 and cart.json()["item_count"] == 4


async def test_where_prices_exclude_vat_the_summary_shows_it_and_the_order_costs_the_same(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    await set_prices_include_tax(container, shop=store.shop, value=False)
    vat = await create_tax_class(container, shop=store.shop, rate_bp=2300)
    chair = await create_product(container, shop=store.shop, name="Chair",
                                 prices={"PLN": 10_000}, tax_class_id=vat.id)  # fmt: skip
    token = await new_cart(client, store, chair, quantity=2)

    summary = await get_ready(client, store, token)
    client.cookies.set("sk_cart", token)
    page = await client.get(f"/s/{store.shop.slug}/checkout/summary")
    client.cookies.clear()
    placed = await finalize(client, store, token, summary)

    totals = summary["totals"]
    assert (totals["subtotal"], totals["tax"], totals["shipping"]) == (20_000, 4_600, 999)
    assert totals["total"] == 20_000 + 4_600 + 999
    assert placed.status_code == 201, placed.text
    assert placed.json()["order"]["total"] == totals["total"]
    assert placed.json()["order"]["tax"] == totals["tax"]
    assert page.status_code == 200, page.text
    tax_row = re.search(r'id="total-tax">([^<]+)<', page.text)
    assert tax_row is not None and "46" in tax_row.group(1)  # VAT added: 46.00
