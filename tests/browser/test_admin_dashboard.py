"""The dashboard in a real browser: reached from the navigation, the chart drawn, then a sale
made elsewhere shows up without a reload (server-sent events, then the figures fetched again
with HTMX); also on a phone's width. Screenshots: test-results/screenshots/admin-dashboard-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper.bootstrap import Container
from tests.builders.orders import create_customer, create_sellable, mark_paid, place_order
from tests.builders.subscriptions import create_plan, drain
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def test_the_dashboard_draws_its_chart_and_shows_a_new_sale_by_itself(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("dorota@dashboard.example")
    shop = await world.shop("lumen", owner=owner, name="Lumen")
    lamp = await create_sellable(container, shop=shop, price=12_000, currency="PLN",
                                 name="Lampa biurkowa")  # fmt: skip
    await mark_paid(container, await place_order(container, shop=shop, items=[(lamp, 2)],
                                                 currency="PLN"))  # fmt: skip
    plan = await create_plan(container, shop=shop, price=4_900, currency="PLN", name="Klub")
    customer = await create_customer(container, shop=shop)
    subscribed = await place_order(container, shop=shop, items=[(plan, 1)], currency="PLN",
                                   customer_id=customer.id)  # fmt: skip
    await mark_paid(container, subscribed)
    await drain(container)  # the subscription starts
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{live_server}/admin/login?next=/admin/s/lumen")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await (
        page.get_by_role("navigation", name="Sections")
        .get_by_role("link", name="Dashboard")
        .click()
    )
    await expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    await expect(page.locator("#dashboard-live")).to_have_attribute("data-live", "on",
                                                                    timeout=15_000)  # fmt: skip
    today = page.locator('[data-kpi="revenue-1"]')
    await expect(today).to_contain_text("2 orders")
    await expect(today).to_contain_text("PLN289.00")
    await expect(page.locator('[data-kpi="mrr"]')).to_contain_text("PLN49.00")
    await expect(page.locator(".chart-box")).to_have_attribute("data-drawn", "")
    await expect(page.get_by_role("row", name="Lampa biurkowa")).to_contain_text("2")
    await page.screenshot(path=str(screenshots / "admin-dashboard.png"), full_page=True)

    await mark_paid(container, await place_order(container, shop=shop, items=[(lamp, 1)],
                                                 currency="PLN"))  # fmt: skip
    await expect(today).to_contain_text("3 orders", timeout=15_000)
    await expect(today).to_contain_text("PLN409.00")
    await expect(page.get_by_role("row", name="Lampa biurkowa")).to_contain_text("3")
    await expect(page.locator(".chart-box")).to_have_attribute("data-drawn", "")

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(screenshots / "admin-dashboard-phone.png"), full_page=True)
    await page.close()
    assert errors == []
