"""Orders in a real browser: reached from the navigation, filtered without a reload, one order
opened, part of it refunded after the confirmation page, the result on the order's page; the
list at a phone's width. Screenshots: test-results/screenshots/admin-order*.png."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, expect

from shopkeeper import bus, payments
from shopkeeper.bootstrap import Container
from tests.builders.orders import create_sellable, place_order
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def _paid_through_the_sandbox(
    live_server: str, container: Container, email: str, shop_slug: str, order_id: uuid.UUID
) -> None:
    """Staff start the sandbox payment over the API; the customer presses "pay"."""
    async with AsyncClient(base_url=live_server) as api:
        login = await api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        token = login.json()["access_token"]
        started = await api.post(
            f"/api/v1/shops/{shop_slug}/orders/{order_id}/payments",
            json={"provider": "sandbox"}, headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        assert started.status_code == 201, started.text
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(started.json()["payment_id"]), outcome="pay"
    )
    await bus.drain(container)


async def test_staff_find_an_order_and_refund_part_of_it_after_confirming(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("olga@orders.example")
    shop = await world.shop("lumen", owner=owner, name="Lumen")
    lamp = await create_sellable(container, shop=shop, price=12_000, currency="PLN",
                                 name="Lampa biurkowa")  # fmt: skip
    paid = await place_order(container, shop=shop, items=[(lamp, 1)], currency="PLN")
    waiting = await place_order(container, shop=shop, items=[(lamp, 2)], currency="PLN")
    await _paid_through_the_sandbox(live_server, container, owner.email, "lumen", paid.id)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{live_server}/admin/login?next=/admin/s/lumen")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("navigation", name="Sections").get_by_role("link", name="Orders").click()
    await expect(page.get_by_role("heading", name="Orders", level=1)).to_be_visible()
    await expect(page.locator("#results-count")).to_contain_text("of 2 orders")
    await page.get_by_label("State").select_option("paid")  # HTMX: no reload
    await expect(page.locator("#results-count")).to_contain_text("of 1 orders")
    await expect(page.get_by_role("link", name=waiting.number)).to_have_count(0)
    assert page.url.endswith("/admin/s/lumen/orders?state=paid")
    await page.screenshot(path=str(screenshots / "admin-orders.png"), full_page=True)

    await page.get_by_role("link", name=paid.number).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(paid.number)
    await expect(page.get_by_text("Up to PLN120.00 can be refunded.")).to_be_visible()
    await page.get_by_label("Amount (PLN)").fill("20.00")
    await page.get_by_label("Reason", exact=True).fill("Rysa na kloszu")
    await page.get_by_role("button", name="Refund…").click()
    await expect(page.get_by_role("heading", name="Refund PLN20.00?")).to_be_visible()
    await expect(page.get_by_text("PLN100.00 stays refundable")).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-order-refund-confirm.png"))
    await page.get_by_role("button", name="Yes, refund PLN20.00").click()

    await expect(page.locator("#action-done")).to_contain_text("The refund was sent")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Partly refunded")
    await expect(page.locator('[data-figure="refunded"]')).to_contain_text("PLN20.00")
    await expect(page.get_by_role("row", name="Rysa na kloszu")).to_contain_text("Succeeded")
    await page.screenshot(path=str(screenshots / "admin-order.png"), full_page=True)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{live_server}/admin/s/lumen/orders")
    await expect(page.get_by_role("link", name=waiting.number)).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-orders-phone.png"), full_page=True)
    await page.close()
    assert errors == []
