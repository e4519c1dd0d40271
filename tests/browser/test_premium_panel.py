"""The shop overview's premium panel in a real browser: loaded after the page, then kept live
by server-sent events (a new subscriber shows up without a reload)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper.bootstrap import Container
from tests.builders.orders import create_customer
from tests.builders.subscriptions import buy, create_plan
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def test_the_premium_panel_updates_itself_when_someone_subscribes(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("zofia@zagadka.example")
    shop = await world.shop("zagadka", owner=owner, name="Zagadka")
    basic = await create_plan(container, shop=shop, price=1500, name="zG50")
    premium = await create_plan(container, shop=shop, price=4900, name="zG500")
    await buy(container, shop=shop, plan=basic,
              customer_id=(await create_customer(container, shop=shop)).id)  # fmt: skip
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{live_server}/admin/login?next=/admin/s/zagadka")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    panel = page.locator("[data-premium-stream]")
    await expect(panel).to_have_attribute("data-live", "on", timeout=15_000)
    await expect(panel.locator('[data-figure="active_total"]')).to_have_text("1")
    await expect(panel.locator('[data-figure-list="tiers"]')).to_contain_text("zG50: 1")

    await buy(container, shop=shop, plan=premium,
              customer_id=(await create_customer(container, shop=shop)).id)  # fmt: skip

    await expect(panel.locator('[data-figure="active_total"]')).to_have_text("2", timeout=15_000)
    await expect(panel.locator('[data-figure="new_today"]')).to_have_text("2")
    await expect(panel.locator('[data-figure-list="tiers"]')).to_contain_text("zG500: 1")
    await expect(panel.locator('[data-figure="revenue"]')).to_contain_text("€64.00")
    await panel.scroll_into_view_if_needed()
    await page.screenshot(path=str(screenshots / "admin-premium-panel.png"), full_page=True)
    assert errors == []
