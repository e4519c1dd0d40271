"""The whole storefront checkout in a real browser (Chromium on a phone-sized screen): an
anonymous shopper adds three items, sees the lamp promotion, picks the courier with a day
from the delivery calendar (the fake Calendar API), pays with the sandbox, gives their
details and the consent, finalises, presses Pay on the sandbox's page and lands on the
confirmation page showing the order paid.

Skipped without /usr/bin/chromium unless SHOPKEEPER_TEST_BROWSER=1 (as tests/browser).
Screenshots go to test-results/storefront-checkout-*.png (looked at by a person).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, expect

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.browser.conftest import browser, chromium
from tests.browser.support import serve_app, watch_console
from tests.conftest import make_settings
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar
from tests.web.store.checkout_support import open_dom

__all__ = ["browser", "chromium", "fake_calendar"]
pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[3] / "test-results"
WAIT = 20_000  # ms: the relay delivers the payment's events in the background


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, log_json=False,
                         delivery_calendar_url=fake_calendar.url)  # fmt: skip


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The whole app as `shopkeeper serve` runs it: relay and scheduled jobs in process."""
    with serve_app(create_app(settings, background=True)) as url:
        yield url


async def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"storefront-checkout-{name}.png"), full_page=True)


async def _add(page: Page, base: str, slug: str, quantity: int) -> None:
    await page.goto(f"{base}/p/{slug}")
    await page.get_by_label("Quantity").fill(str(quantity))
    await page.get_by_role("button", name="Add to cart").click()
    await expect(page).to_have_url(re.compile(r"/s/dom/cart$"))


async def test_an_anonymous_shopper_orders_three_items_and_pays_with_the_sandbox(
    browser: Browser, live_server: str, container: Container, client: AsyncClient
) -> None:
    await open_dom(container, client)
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="en-GB")
    errors = watch_console(page)
    base = f"{live_server}/s/dom"

    await _add(page, base, "desk-lamp", 2)
    await _add(page, base, "fridge", 1)
    await expect(page.locator("#cart-lines > li")).to_have_count(2)
    promotion = page.locator("[data-promotion='Lamp week']")
    await expect(promotion).to_contain_text("Applied")
    await expect(page.locator("#total-discounts")).to_have_text("−PLN20.00")
    await _shot(page, "cart")

    await page.locator("#to-delivery").click()
    await page.get_by_label("Courier").check()
    await page.locator("#choose-method").click()
    await page.get_by_label("Full name").fill("Ola Nowak")
    await page.get_by_label("Street and number").fill("Marszałkowska 1")
    await page.get_by_label("Postal code").fill("123")
    await page.get_by_label("City").fill("Warszawa")
    await page.get_by_label("Country").select_option("PL")
    await page.locator("#save-address").click()
    await expect(page.locator("#address-postal_code-error")).to_have_text(
        "Enter the postal code as in 00-950.")  # fmt: skip
    await _shot(page, "address-error")
    await page.get_by_label("Postal code").fill("00-950")
    await page.locator("#save-address").click()
    first_day = page.locator("input[name='day']").first
    await first_day.check()
    await page.locator("#choose-date").click()
    await expect(page.locator("#chosen-date")).to_contain_text("Chosen:")
    await expect(page.locator("#total-shipping")).to_have_text("PLN25.00")
    await _shot(page, "delivery")

    await page.locator("#to-extras").click()
    await expect(page.get_by_role("heading", name="Extras", exact=True)).to_be_visible()
    await page.locator("#to-payment").click()
    await page.get_by_label("Test payment (sandbox)").check()
    await page.locator("#choose-payment").click()
    await page.get_by_label("Email").fill("ola@example.com")
    await page.get_by_label("Phone", exact=True).fill("+48 600 100 200")
    await page.get_by_label("Full name").fill("Ola Nowak")
    await page.get_by_label("I accept the terms of sale.").check()
    await page.locator("#save-details").click()

    await expect(page).to_have_url(re.compile(r"/s/dom/checkout/summary$"))
    await expect(page.locator("#total-total")).to_have_text("PLN2,705.00")
    await expect(page.locator("#summary-discounts")).to_contain_text("Lamp week")
    await _shot(page, "summary")
    await page.locator("#finalize").click()

    await expect(page.locator("#pay-button")).to_be_visible()
    await _shot(page, "sandbox")
    await page.locator("#pay-button").click()

    await expect(page).to_have_url(re.compile(r"/s/dom/checkout/confirmation/"))
    await expect(page.locator("#payment-state")).to_have_text("Paid", timeout=WAIT)
    await expect(page.locator("#order-number")).to_contain_text("Order number:")
    await expect(page.locator("#order-total")).to_have_text("PLN2,705.00")
    await _shot(page, "confirmation")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing spills sideways on a phone
    # the refused address answered 422 (as it should): the browser logs that load, nothing else
    assert [e for e in errors if "status of 422" not in e] == []
