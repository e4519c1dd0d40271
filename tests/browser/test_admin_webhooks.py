"""Settings → Webhooks and Payment gateways in a real browser: an endpoint created after a
mistake, its secret seen once, a test event to a local receiver, a failed delivery in the log
sent again, the secret rotated from the dialog; Stripe keys saved and shown masked.
Screenshots: test-results/screenshots/admin-webhook*.png, admin-gateway*.png."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.integrations import deliver_due
from shopkeeper.settings import Settings
from tests.builders.integrations import Receiver, publish_product_published
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(
        database_url, login_delay_seconds=0, log_json=False, webhooks_allow_http=True
    )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serve(receiver) as url:
        receiver.url = url + "/hooks"
        yield receiver


async def _signed_in(browser: Browser, live_server: str, email: str, path: str) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_server}/admin/login?next={path}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_an_endpoint_is_created_tested_and_a_failed_delivery_sent_again(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path,
    receiver: Receiver,
) -> None:  # fmt: skip
    owner = await world.user("wiktor@hooks.example")
    shop = await world.shop("haki", owner=owner, name="Haki")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/haki/settings/webhooks")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    settings_nav = page.get_by_role("navigation", name="Shop settings")
    await expect(settings_nav.get_by_role("link", name="Webhooks")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(page.get_by_text("No webhook endpoints yet")).to_be_visible()
    await page.get_by_role("link", name="Add the first endpoint").click()
    await page.get_by_label("Address (URL)").fill(receiver.url)
    await page.get_by_label("Note (only staff see it)").fill("<b>ERP</b> sync")
    await page.get_by_role("button", name="Create the endpoint").click()
    await expect(page.locator("#f-events-error")).to_have_text("Choose at least one event.")
    await expect(page.get_by_label("Address (URL)")).to_have_value(receiver.url)
    await page.screenshot(path=str(screenshots / "admin-webhook-form.png"), full_page=True)
    await page.get_by_label("A product is published").check()
    await page.get_by_label("An order is paid").check()
    await page.get_by_role("button", name="Create the endpoint").click()

    await expect(page.get_by_role("heading", name="The endpoint is created")).to_be_visible()
    secret = await page.get_by_label("Secret", exact=True).input_value()
    assert secret.startswith("whsec_")
    await page.screenshot(path=str(screenshots / "admin-webhook-secret.png"), full_page=True)
    await page.get_by_role("link", name="I have copied it").click()
    await expect(page.get_by_text("<b>ERP</b> sync")).to_be_visible()  # inert, as typed
    detail = page.url
    assert secret not in await page.content()

    await page.get_by_role("button", name="Send a test event").click()
    await expect(page.locator("#test-result")).to_contain_text("Test event delivered")
    assert len(receiver.requests) == 1

    receiver.default = 500
    await publish_product_published(container, shop=shop)
    await bus.drain(container)
    await deliver_due(container)
    await page.goto(detail)
    row = page.locator("#delivery-results tbody tr").first
    await expect(row).to_contain_text("A product is published")
    await expect(row).to_contain_text("500")
    await page.screenshot(path=str(screenshots / "admin-webhook-log.png"), full_page=True)
    receiver.default = 200
    await row.get_by_role("button", name="Send again").click()
    await expect(page.locator("#action-done")).to_contain_text("the endpoint accepted it")
    await expect(page.locator("#delivery-results tbody tr").first).to_contain_text("Delivered")

    await page.get_by_role("link", name="Rotate the secret…").click()
    dialog = page.get_by_role("dialog", name="Rotate the signing secret?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Yes, rotate it").click()
    await expect(page.get_by_role("heading", name="A new signing secret")).to_be_visible()
    rotated = await page.get_by_label("Secret", exact=True).input_value()
    assert rotated.startswith("whsec_") and rotated != secret

    await page.goto(f"{live_server}/admin/s/haki/settings/webhooks")
    await expect(page.get_by_role("row", name="ERP")).to_contain_text("Delivered")
    await page.screenshot(path=str(screenshots / "admin-webhooks.png"), full_page=True)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(screenshots / "admin-webhooks-phone.png"), full_page=True)
    await page.close()
    assert errors == []


async def test_stripe_keys_are_saved_and_only_shown_masked(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("greta@gates.example")
    await world.shop("bramy", owner=owner, name="Bramy")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/bramy/settings/gateways")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.get_by_role("link", name="Set up Stripe").click()
    await page.get_by_label("Secret key").fill("pk_live_wrong")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#f-webhook_secret-error")).to_have_text("Fill this in.")
    await page.get_by_label("Secret key").fill("pk_live_wrong")
    await page.get_by_label("Webhook signing secret").fill("whsec_Zx8Kq2LmN4pR6sT8vW0y")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#f-secret_key-error")).to_contain_text("copy it again")
    await expect(page.get_by_label("Secret key")).to_have_value("")  # never sent back
    await page.screenshot(path=str(screenshots / "admin-gateway-error.png"), full_page=True)
    await page.get_by_label("Secret key").fill("sk_test_51HqLyjWDarjtT1zdp7dcZ9Y8")
    await page.get_by_label("Webhook signing secret").fill("whsec_Zx8Kq2LmN4pR6sT8vW0y")
    await page.get_by_role("button", name="Save").click()

    await expect(page.locator("#action-done")).to_have_text("The gateway is saved.")
    card = page.get_by_role("region", name="Stripe")
    await expect(card).to_contain_text("••••Z9Y8")
    await expect(card).to_contain_text("Test mode")
    assert "sk_test_51HqLyjWDarjtT1zdp7dcZ9Y8" not in await page.content()
    await page.screenshot(path=str(screenshots / "admin-gateways.png"), full_page=True)
    await card.get_by_role("link", name="Change").click()
    await expect(page.get_by_text("Stored: ••••Z9Y8. Leave blank to keep it.")).to_be_visible()
    await expect(page.get_by_label("Webhook address for the provider's dashboard")).to_have_value(
        f"{live_server}/api/v1/shops/bramy/payments/webhooks/stripe"
    )
    await page.screenshot(path=str(screenshots / "admin-gateway-stripe.png"), full_page=True)
    await page.close()
    assert errors == []
