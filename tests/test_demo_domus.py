"""The Domus demo store as staff and shoppers meet it after `shopkeeper demo` (twice): its
shipping methods, promotions, warranties, services, stock, code and gateway; a cart that
gets the pair discount; courier days from the built-in demo calendar, mounted only in demo
mode and reached over real HTTP as `make demo` does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container
from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping import CalendarClient
from shopkeeper.checkout.shipping.deps import CALENDAR_EXTRA
from shopkeeper.cli.demo import ADMIN_EMAIL, create_demo_data
from shopkeeper.settings import Settings
from tests.conftest import make_settings
from tests.fakes.server import serve

PASSWORD = "demo-password-1"
SHOP = "/api/v1/shops/domus"
ADDRESS = {"name": "Ola Nowak", "street": "Marszałkowska 1", "city": "Warszawa",
           "country": "PL", "postal_code": "00-950", "phone": "+48 600 100 200"}  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, demo=True)


@pytest.fixture
async def demo_calendar(app: FastAPI, container: Container) -> AsyncIterator[str]:
    """The app served on a real port, its calendar client asking the app's own demo
    calendar (what `make demo` sets SHOPKEEPER_DELIVERY_CALENDAR_URL to)."""
    async with serve(app) as url:
        calendar = CalendarClient(f"{url}/demo/delivery-calendar", cache_store(container))
        container.extras[CALENDAR_EXTRA] = calendar
        yield url
        await calendar.close()
        container.extras.pop(CALENDAR_EXTRA)


async def _staff(client: AsyncClient) -> dict[str, str]:
    login = await client.post("/api/v1/auth/login",
                              json={"email": ADMIN_EMAIL, "password": PASSWORD})  # fmt: skip
    assert login.status_code == 200, login.text
    return {"authorization": f"Bearer {login.json()['access_token']}"}


async def _get(client: AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(SHOP + path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_domus_has_its_whole_checkout_and_a_second_run_adds_nothing(
    settings: Settings, client: AsyncClient
) -> None:
    await create_demo_data(settings, PASSWORD)
    await create_demo_data(settings, PASSWORD)
    staff = await _staff(client)

    products = (await _get(client, "/products", staff, limit=200))["items"]
    by_sku = {p["variants"][0]["sku"]: p for p in products}
    assert len(products) == len(by_sku) == 14 + 7 + 2  # goods, services, warranties
    robot = by_sku["DOM-ROBOT-S7"]["variants"][0]
    assert robot["stock"] == 2 and robot["weight_grams"] and robot["dimensions"]
    physical = [p for p in products if p["kind"] == "physical"]
    assert all(p["variants"][0]["stock"] and p["category_id"] for p in physical)
    rules = await _get(client, "/services-rules", staff)
    assert rules["source"] == "default" and rules["problems"] == []  # every SKU and slug found
    service_skus = {sku for sku, p in by_sku.items() if p["kind"] == "service"}
    assert {rule["sku"] for rule in rules["services"]} == service_skus

    methods = {m["code"]: m for m in await _get(client, "/shipping-methods", staff)}
    assert set(methods) == {"courier", "locker", "pickup"}
    courier, locker = methods["courier"], methods["locker"]
    assert courier["requires_delivery_date"] and courier["cash_on_delivery"]
    assert {a["code"]: a["rule"] for a in courier["addons"]}["sunday"] == "sunday"
    assert locker["max_weight_grams"] == 25_000 and len(locker["excluded_category_ids"]) == 2
    assert methods["pickup"]["prices"] == {"PLN": 0}

    promotions = (await _get(client, "/promotion-rules", staff))["items"]
    assert sorted(p["kind"] for p in promotions) == [
        "buy_n_get_m", "cart_threshold", "gift", "second_item"]  # fmt: skip
    offers = await _get(client, "/warranty-offers", staff)
    assert len(offers) == 6 * 2 and {o["months"] for o in offers} == {24, 36}
    codes = (await _get(client, "/promo-codes", staff))["items"]
    assert [c["code"] for c in codes] == ["DOMUS10"]
    gateway = await _get(client, "/payments/gateways/sandbox", staff)
    assert gateway["enabled"]
    consents = await _get(client, "/consents", staff)
    assert [(c["code"], c["required"]) for c in consents] == [("terms", True), ("marketing", False)]
    assert all(set(c["current"]["texts"]) == {"en", "pl", "ru"} for c in consents)


async def test_a_shopper_gets_the_pair_discount_and_courier_days_from_the_demo_calendar(
    settings: Settings, client: AsyncClient, demo_calendar: str
) -> None:
    await create_demo_data(settings, PASSWORD)
    staff = await _staff(client)
    products = (await _get(client, "/products", staff, limit=200))["items"]
    variant = {p["variants"][0]["sku"]: p["variants"][0]["id"] for p in products}

    async def add(sku: str, token: str | None = None) -> str:
        headers = {"X-Cart-Token": token} if token else {}
        added = await client.post(SHOP + "/cart/items", headers=headers,
                                  json={"type": "offer", "variant_id": variant[sku]})  # fmt: skip
        assert added.status_code == 201, added.text
        return token or str(added.json()["cart_token"])

    token = await add("DOM-LAMP-LED")
    await add("DOM-CUSHION", token)
    shopper = {"X-Cart-Token": token}
    cart = await _get(client, "/cart", shopper)
    assert [(p["name"], p["discount"]) for p in cart["promotions"]] == [
        ("Drugie akcesorium −50 %", 5_900 // 2)]  # fmt: skip
    assert cart["total"] == 12_900 + 5_900 - 2_950

    small = (await _get(client, "/shipping/available", shopper))["methods"]
    assert all(m["available"] for m in small)  # the accessories fit the parcel locker
    await add("DOM-FRIDGE-185", token)
    offers = {m["code"]: m for m in (await _get(client, "/shipping/available", shopper))["methods"]}
    assert offers["courier"]["available"] and offers["pickup"]["available"]
    assert not offers["locker"]["available"]
    assert "category_excluded" in {r["code"] for r in offers["locker"]["reasons"]}

    chosen = await client.post(SHOP + "/shipping/select", headers=shopper,
                               json={"method_code": "courier"})  # fmt: skip
    assert chosen.status_code == 200, chosen.text
    placed = await client.post(SHOP + "/shipping/address", headers=shopper, json=ADDRESS)
    assert placed.status_code == 200, placed.text
    days = await _get(client, "/shipping/calendar", shopper, method="courier", country="PL",
                      postal_code="00-950")  # fmt: skip
    offered = [date.fromisoformat(d["date"]) for d in days["days"]]
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date()
    assert len(offered) >= 10 and min(offered) > today  # the next day at the earliest
    sunday = next(d for d in days["days"] if "sunday" in d["addons"])
    dated = await client.post(SHOP + "/shipping/set-date", headers=shopper,
                              json={"date": sunday["date"], "addons": ["sunday"]})  # fmt: skip
    assert dated.status_code == 200, dated.text


async def test_the_demo_calendar_is_mounted_only_in_demo_mode(
    client: AsyncClient, database_url: str
) -> None:
    query = {"method": "domus-courier", "country": "PL", "postal_code": "00-950",
             "from": "2026-12-24", "to": "2026-12-28"}  # fmt: skip
    answer = await client.get("/demo/delivery-calendar/days", params=query)
    assert answer.status_code == 200, answer.text
    assert [(d["date"], d["available"], d["slots"]) for d in answer.json()["days"]] == [
        ("2026-12-24", False, ["morning", "evening"]),  # the first day: never
        ("2026-12-25", False, ["morning", "evening"]),  # a public holiday
        ("2026-12-26", False, ["morning"]),  # another, on a Saturday
        ("2026-12-27", True, ["morning"]),  # a Sunday
        ("2026-12-28", True, ["morning", "evening"]),
    ]  # fmt: skip
    backwards = await client.get(
        "/demo/delivery-calendar/days", params={**query, "to": "2026-12-01"}
    )
    assert backwards.status_code == 400

    normal = create_app(make_settings(database_url))
    try:
        transport = ASGITransport(app=normal, client=("127.0.0.1", 50000))
        async with AsyncClient(transport=transport, base_url="http://testserver") as plain:
            missing = await plain.get("/demo/delivery-calendar/days", params=query)
        assert missing.status_code == 404
    finally:
        await normal.state.container.close()
