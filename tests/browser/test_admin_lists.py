"""Subscriptions, payments and promo codes in a real browser: a subscription extended from its
page, the webhook log opened on a rejected webhook, a promo code created with a mistake fixed
and a batch generated. Screenshots: test-results/screenshots/admin-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, expect

from shopkeeper.bootstrap import Container
from tests.builders.invoices import named_customer
from tests.builders.orders import create_sellable, place_order
from tests.builders.subscriptions import buy, create_plan
from tests.fakes.sandbox import webhook
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def _signed_in(browser: Browser, live_server: str, email: str, path: str) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_server}/admin/login?next={path}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_a_subscription_is_extended_from_its_page(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("stefa@subs.example")
    shop = await world.shop("klub", owner=owner, name="Klub")
    plan = await create_plan(container, shop=shop, name="Klub Premium", unit="week", count=2)
    ola = await named_customer(container, shop=shop, name="Ola Nowak")
    await buy(container, shop=shop, plan=plan, customer_id=ola.id)
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/klub")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    nav = page.get_by_role("navigation", name="Sections")
    await nav.get_by_role("link", name="Subscriptions").click()
    await page.get_by_label("Ending").select_option("30")
    await expect(page.locator("#results-count")).to_contain_text("of 1")
    await page.get_by_role("link", name="Ola Nowak").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Klub Premium")
    await page.get_by_label("Extend by days").fill("7")
    await page.get_by_role("button", name="Extend", exact=True).click()
    await expect(page.locator("#action-done")).to_contain_text("The subscription is extended.")
    await expect(page.get_by_role("row", name="Extension")).to_contain_text(owner.email)
    await page.screenshot(path=str(screenshots / "admin-subscription.png"), full_page=True)
    await page.close()
    assert errors == []


async def test_the_webhook_log_shows_a_forged_webhook_as_received(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("paula@payments.example")
    shop = await world.shop("kasa", owner=owner, name="Kasa")
    lamp = await create_sellable(container, shop=shop, price=500)
    order = await place_order(container, shop=shop, items=[(lamp, 1)])
    async with AsyncClient(base_url=live_server) as api:
        login = await api.post("/api/v1/auth/login",
                               json={"email": owner.email, "password": PASSWORD})  # fmt: skip
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        started = await api.post(f"/api/v1/shops/kasa/orders/{order.id}/payments",
                                 json={"provider": "sandbox"}, headers=auth)  # fmt: skip
        body, headers = webhook("wrong-secret", "payment.succeeded",
                                payment_id=started.json()["payment_id"], amount=500,
                                currency="EUR", at=container.clock.now())  # fmt: skip
        forged = await api.post("/api/v1/shops/kasa/payments/webhooks/sandbox", content=body,
                                headers=headers)  # fmt: skip
        assert forged.status_code == 401, forged.text
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/kasa/payments")
    await page.get_by_role("link", name="Webhook log").click()
    await expect(page.get_by_role("heading", name="Webhook log", level=1)).to_be_visible()
    await page.get_by_label("Status").select_option("rejected")
    await expect(page.locator("#results-count")).to_contain_text("of 1")
    await page.locator("#webhook-results a").first.click()
    await expect(page.get_by_text("Nothing was changed by it.")).to_be_visible()
    await expect(page.locator("pre.payload").first).to_contain_text('"amount": 500')
    await page.screenshot(path=str(screenshots / "admin-webhook.png"), full_page=True)
    await page.close()


async def test_a_promo_code_is_created_after_a_mistake_and_a_batch_generated(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("piotr@promo.example")
    await world.shop("sklep", owner=owner, name="Sklep")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/sklep/promo-codes")
    await page.get_by_role("link", name="New code").click()
    await page.get_by_label("Code", exact=True).fill("LATO")
    await page.get_by_label("How much off").fill("150")
    await page.get_by_role("button", name="Create the code").click()
    await expect(page.locator("#f-value-error")).to_have_text("A percentage from 0.01 to 100.")
    await expect(page.get_by_label("Code", exact=True)).to_have_value("LATO")
    await page.get_by_label("How much off").fill("15")
    await page.get_by_role("button", name="Create the code").click()
    await expect(page.locator("#action-done")).to_contain_text("The code is created.")
    await page.screenshot(path=str(screenshots / "admin-promo-code.png"), full_page=True)

    await page.goto(f"{live_server}/admin/s/sklep/promo-codes")
    await page.get_by_role("link", name="Generate single-use codes").click()
    await page.get_by_label("Prefix").fill("XMAS")
    await page.get_by_label("How many").fill("3")
    await page.get_by_label("How much off").fill("10")
    await page.get_by_role("button", name="Generate the codes").click()
    await expect(page.get_by_role("heading", name="3 codes generated")).to_be_visible()
    await expect(page.locator("#batch-codes")).to_contain_text("XMAS-")
    await page.screenshot(path=str(screenshots / "admin-promo-batch.png"), full_page=True)
    await page.close()
