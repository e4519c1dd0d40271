"""The admin's broadcasts in a real browser: compose a message (the audience size and the
preview answer as one types), send a test to oneself, send it to everyone and watch the
progress reach 100 % without reloading — the app serves with its background loops, so the
broadcast worker loop delivers to the fake Bot API at the configured rate.

Screenshots go to test-results/admin-broadcasts-*.png (looked at by a person).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.browser.support import serve_app, watch_console
from tests.conftest import make_settings
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram
from tests.web.broadcast_support import connect_bot, people
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
RATE = 5  # messages a second: 13 people take a few seconds, long enough to watch
WAIT = 30_000  # ms


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def settings(database_url: str, fake_telegram: FakeTelegram) -> Settings:
    return make_settings(
        database_url, login_delay_seconds=0, log_json=False, broadcast_rate_per_second=RATE,
        telegram_api_url=fake_telegram.url,  # type: ignore[attr-defined]
    )  # fmt: skip


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The app as `shopkeeper serve` runs it: the broadcast loop sends in the background."""
    with serve_app(create_app(settings, background=True)) as url:
        yield url


async def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"admin-broadcasts-{name}.png"), full_page=True)


async def test_compose_test_send_and_watch_the_progress_reach_100(
    browser: Browser, live_server: str, world: World, container: Container,
    fake_telegram: FakeTelegram,
) -> None:  # fmt: skip
    owner = await world.user("olga@north.example")
    shop = await world.shop("north", owner=owner, name="North Coffee")
    bot = await connect_bot(container, fake_telegram, shop)
    crowd = await people(container, shop, bot, 12)
    [me] = await people(container, shop, bot, 1, email=owner.email)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)

    await page.goto(f"{live_server}/admin/login?next=/admin/s/north/broadcasts")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="No broadcasts yet")).to_be_visible()
    await _shot(page, "empty")

    await page.get_by_role("link", name="New broadcast").click()
    size = page.get_by_test_id("audience-size")
    await expect(size).to_contain_text("13", timeout=WAIT)  # HTMX asks the service on load
    await page.get_by_label("Live subscribers of a plan").check()
    await expect(size).to_contain_text("Fill this in.")  # no plan chosen yet
    await page.get_by_label("People who never paid").check()
    await expect(size).to_contain_text("13")
    await page.get_by_label("Message").fill("<b>Fresh beans</b> are in. &lt;3")
    await page.get_by_label("Button 1 text").fill("Order now")
    await page.get_by_label("Button 1 link").fill("https://north.example/order")
    preview = page.get_by_test_id("broadcast-preview")
    await expect(preview.locator("b")).to_have_text("Fresh beans")
    await expect(preview).to_contain_text("are in. <3")
    await expect(preview).to_contain_text("Order now")
    await expect(page.locator(".bc-problems")).to_have_count(0)  # the link is complete now
    await _shot(page, "compose")
    await page.set_viewport_size({"width": 390, "height": 844})
    await _shot(page, "compose-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})

    await page.get_by_role("button", name="Save draft").click()
    await expect(page.locator("#action-done")).to_have_text("The draft is saved.")
    await expect(page.locator("#broadcast-status")).to_have_text("Draft")
    await page.get_by_role("button", name="Send a test to me").click()
    await expect(page.locator("#action-done")).to_have_text("The test was sent.")
    assert [p["chat_id"] for p in fake_telegram.sent()] == [me]

    await page.get_by_role("button", name="Send now").click()
    await expect(page.locator("#action-done")).to_have_text("Sending has started.")
    await expect(page.locator("#broadcast-status")).to_have_text("Sending")
    await page.evaluate("window.stillTheSamePage = true")  # gone if the page reloaded
    sent = page.locator('[data-figure="sent"]')
    await expect(sent).not_to_have_text("0", timeout=WAIT)
    await _shot(page, "sending")
    await expect(sent).to_have_text("13", timeout=WAIT)
    await expect(page.locator("#broadcast-status")).to_have_text("Completed", timeout=WAIT)
    await expect(page.locator('[data-figure="remaining"]')).to_have_text("0")
    await expect(page.locator(".bc-progress .bc-bar-text")).to_contain_text("100 %")
    await expect(page.locator("#broadcast-actions")).to_contain_text("Nothing more can be done")
    assert await page.evaluate("window.stillTheSamePage") is True
    assert sorted(p["chat_id"] for p in fake_telegram.sent()[1:]) == sorted([*crowd, me])
    await _shot(page, "completed")
    await page.set_viewport_size({"width": 390, "height": 844})
    await _shot(page, "completed-phone")

    await page.goto(f"{live_server}/admin/s/north/broadcasts")
    row = page.locator("tbody tr").first
    await expect(row).to_contain_text("Fresh beans are in. <3")
    await expect(row).to_contain_text("Completed")
    await expect(row).to_contain_text("People who never paid")
    await _shot(page, "list-phone")
    assert errors == []


async def test_cancel_asks_first_in_a_dialog(
    browser: Browser, live_server: str, world: World, container: Container,
    fake_telegram: FakeTelegram,
) -> None:  # fmt: skip
    owner = await world.user("olga@north.example")
    shop = await world.shop("north", owner=owner, name="North Coffee")
    await connect_bot(container, fake_telegram, shop)
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)
    await page.goto(f"{live_server}/admin/login?next=/admin/s/north/broadcasts/new")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label("Message").fill("Closing early today")
    await page.get_by_role("button", name="Save draft").click()

    await page.get_by_role("link", name="Cancel broadcast…").click()
    dialog = page.get_by_role("dialog", name="Cancel this broadcast?")
    await expect(dialog).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/broadcasts/[0-9a-f-]+$"))  # no page change
    await _shot(page, "cancel-dialog")
    await dialog.get_by_role("button", name="Keep it").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#broadcast-status")).to_have_text("Draft")

    await page.get_by_role("link", name="Cancel broadcast…").click()
    await dialog.get_by_role("button", name="Yes, cancel it").click()
    await expect(page.locator("#action-done")).to_have_text("The broadcast is cancelled.")
    await expect(page.locator("#broadcast-status")).to_have_text("Cancelled")
    assert errors == []
