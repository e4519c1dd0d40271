"""The sandbox pay page in a real browser: see the payment, press Pay, land on the done page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper.settings import Settings
from tests.browser.conftest import browser, chromium, live_server, screenshots
from tests.builders.payments import pending_order, start
from tests.builders.staff import shop_with_owner
from tests.conftest import make_settings

pytestmark = pytest.mark.browser
__all__ = ["browser", "chromium", "live_server", "screenshots"]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Plain http on loopback (no public URL), as the browser reaches the live server."""
    return make_settings(database_url, login_delay_seconds=0, log_json=False)


async def test_pay_on_the_hosted_page(
    browser: Browser,
    live_server: str,
    container,
    client,
    screenshots: Path,  # type: ignore[no-untyped-def]
) -> None:
    shop, owner = await shop_with_owner(container, client, name="North Coffee Roasters")
    order = await pending_order(container, shop=shop, price=4250)
    payment = await start(client, shop=shop, staff=owner, order_id=order.id)
    page = await browser.new_page(viewport={"width": 420, "height": 820})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{live_server}{payment['redirect_url']}")
    await expect(page.locator("#pay-amount")).to_have_text("€42.50")
    await expect(page.locator("#pay-order")).to_have_text(order.number)
    await expect(page.locator("#pay-status")).to_have_text("Awaiting payment")
    await page.screenshot(path=str(screenshots / "pay_page.png"), full_page=True)
    await page.locator("#pay-button").click()

    await expect(page).to_have_url(f"{live_server}/pay/{payment['payment_id']}/done")
    await expect(page.locator("#done-heading")).to_have_text("Payment received")
    await page.screenshot(path=str(screenshots / "pay_done.png"), full_page=True)
    got = await client.get(f"/api/v1/shops/{shop.slug}/orders/{order.id}", headers=owner.headers)
    assert got.json()["state"] == "paid"
    assert errors == []
