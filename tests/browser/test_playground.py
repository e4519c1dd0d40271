"""The bot playground in a real browser, on the demo data: a newcomer buys the LumenPay
channel's monthly plan through the shop's bot, pays on the sandbox page, joins the channel
with the invite link the bot sends, and sees the subscription in /status.

Screenshots go to /tmp/playground-*.png (looked at by a person; not committed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper.app import create_app
from shopkeeper.cli.demo import ADMIN_EMAIL, create_demo_data
from shopkeeper.settings import Settings
from tests.browser.support import serve_app, watch_console
from tests.web.seed import PASSWORD as SEED_PASSWORD
from tests.web.seed import World

pytestmark = pytest.mark.browser
PASSWORD = "demo-password-1"
SHOTS = Path("/tmp")
WAIT = 20_000  # ms: the relay, the grant and the bot's message arrive in the background


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The whole app as `make demo` serves it: relay and scheduled jobs in process."""
    with serve_app(create_app(settings, background=True)) as url:
        yield url


async def _shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"playground-{name}.png"), full_page=True)


async def _press(page: Page, label: str) -> None:
    """Press the inline button `label` under the newest message that has one."""
    await page.locator(".pg-key", has_text=label).last.click()


async def test_buy_pay_join_and_status_in_the_playground(
    browser: Browser, live_server: str, settings: Settings
) -> None:
    await create_demo_data(settings, PASSWORD, base_url=live_server)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)
    await page.goto(f"{live_server}/admin/playground")
    await page.get_by_label("Email").fill(ADMIN_EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/admin/playground$"))
    await page.get_by_role("link", name="LumenPay Channels").click()
    await expect(page.get_by_role("heading", name="Bot playground")).to_be_visible()
    await expect(page.locator(".pg-channels")).to_contain_text("LumenPay Channels VIP")

    transcript = page.locator(".pg-transcript")
    await page.get_by_role("button", name="/start", exact=True).click()
    await expect(transcript).to_contain_text("Welcome to LumenPay Channels")
    await _shot(page, "start")

    await page.get_by_role("button", name="/buy", exact=True).click()
    await _press(page, "VIP channel — 1 month")
    await _press(page, "Continue")
    await _press(page, "Test payment")
    pay_link = page.locator(".pg-from-bot a[href*='/pay/']").last
    await expect(pay_link).to_be_visible()
    await _shot(page, "buy")

    async with page.context.expect_page() as opened:
        await pay_link.click()
    sandbox = await opened.value
    await sandbox.wait_for_load_state()
    await expect(sandbox.get_by_role("heading", name="Sandbox payment")).to_be_visible()
    await sandbox.locator("#pay-button").click()
    await expect(sandbox.get_by_role("heading", name="Payment received")).to_be_visible()
    await sandbox.screenshot(path=str(SHOTS / "playground-sandbox.png"), full_page=True)
    await sandbox.close()

    await page.bring_to_front()
    await expect(transcript).to_contain_text("Join here", timeout=WAIT)
    join = page.locator(".pg-transcript .pg-key-join").last
    await expect(join).to_be_visible()
    await _shot(page, "invite")
    await join.click()
    await expect(page.locator(".pg-channels .pg-status-member")).to_be_visible()
    await expect(transcript).to_contain_text("You joined LumenPay Channels VIP")

    await page.get_by_role("button", name="/status", exact=True).click()
    status = page.locator(".pg-from-bot .pg-text").last
    await expect(status).to_contain_text("VIP channel — 1 month")
    await expect(status).to_contain_text(re.compile(r"\b(30|31) days?\b"))
    await _shot(page, "status")

    await page.set_viewport_size({"width": 390, "height": 844})
    width = await page.evaluate("document.documentElement.scrollWidth")
    await _shot(page, "phone")
    assert width <= 390
    assert errors == []


async def test_an_owner_creates_the_playground_bot(
    browser: Browser, live_server: str, world: World
) -> None:
    owner = await world.user("olivia@northcoffee.example")
    await world.shop("north", owner=owner, name="North Coffee Roasters")
    page = await browser.new_page(viewport={"width": 1100, "height": 800})
    errors = watch_console(page)
    await page.goto(f"{live_server}/admin/s/north/playground")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(SEED_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    create = page.get_by_role("button", name="Create playground bot")
    await expect(create).to_be_visible()
    await _shot(page, "intro")

    await create.click()

    await expect(page.locator(".pg-empty")).to_contain_text("Say /start to begin")
    await expect(page.get_by_text("@north_playground_bot").first).to_be_visible()
    await page.get_by_role("textbox", name="Message").fill("/help")
    await page.get_by_role("textbox", name="Message").press("Enter")
    await expect(page.locator(".pg-from-bot").last).to_contain_text("/language")
    await expect(page.get_by_role("textbox", name="Message")).to_have_value("")
    await _shot(page, "created")
    assert errors == []
