"""Bots and channels in a real browser, against the fake Bot API and the fake Discord API: a bot
connected after a refused token, its webhook shown; a channel sold with a plan and its rights
checked; a Discord role refused by the hierarchy, then one mapped; the bot disconnected after
its confirmation; the page at phone width. Screenshots: test-results/screenshots/admin-bots*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.builders.subscriptions import create_plan
from tests.conftest import make_settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram
from tests.web.admin.test_bots import CHAT_ID, _world
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(database_url: str, telegram: FakeTelegram, discord: FakeDiscord) -> Settings:
    return make_settings(
        database_url, login_delay_seconds=0, log_json=False, public_url="https://shop.example",
        cookie_secure=False, telegram_api_url=telegram.url,  # type: ignore[attr-defined]
        discord_api_url=discord.url,
    )  # fmt: skip


async def _signed_in(browser: Browser, live_server: str, email: str, path: str) -> Page:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{live_server}/admin/login?next={path}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_a_bot_a_channel_and_a_discord_role_are_set_up_from_the_pages(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path,
    telegram: FakeTelegram, discord: FakeDiscord,
) -> None:  # fmt: skip
    owner = await world.user("olga@bots.example")
    shop = await world.shop("lumen", owner=owner, name="Lumen Club")
    await create_plan(container, shop=shop, name="VIP month")
    fake = telegram.add_bot("lumen_bot", "Lumen")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/lumen")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    nav = page.get_by_role("navigation", name="Sections")
    await nav.get_by_role("link", name="Bots", exact=True).click()
    await expect(page.get_by_role("heading", name="No bot connected yet")).to_be_visible()
    await page.get_by_label("Bot token").fill("123456:AAwrong-token-0123456789abcdefgh")
    await page.get_by_role("button", name="Connect the bot").click()
    await expect(page.locator("#f-token-error")).to_contain_text("Telegram does not accept")
    await expect(page.get_by_label("Bot token")).to_have_value("")  # never shown back
    await page.get_by_label("Bot token").fill(fake.token)
    await page.get_by_role("button", name="Connect the bot").click()
    await expect(page.locator("#action-done")).to_contain_text("The bot is connected.")
    await expect(page.get_by_role("heading", name="@lumen_bot")).to_be_visible()
    await expect(page.get_by_text("Points here")).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-bots.png"), full_page=True)

    telegram.add_chat(CHAT_ID, "Lumen VIP", "channel")
    telegram.set_rights(CHAT_ID, admin=True, can_restrict_members=False)
    await page.get_by_role("link", name="Telegram channels").click()
    await page.get_by_label("Chat id or @username").fill(str(CHAT_ID))
    await page.get_by_label("VIP month").check()
    await page.get_by_role("button", name="Check the rights and register").click()
    await expect(page.locator("#f-chat-error")).to_contain_text("Give it the right “Ban users”.")
    await expect(page.get_by_label("VIP month")).to_be_checked()
    telegram.set_rights(CHAT_ID, admin=True)
    await page.get_by_role("button", name="Check the rights and register").click()
    await expect(page.locator("#action-done")).to_contain_text("The chat is registered")
    row = page.locator("#channel-results tbody tr").first
    await expect(row).to_contain_text("Lumen VIP")
    await expect(row).to_contain_text("VIP month")
    await expect(row.locator(".rights .present")).to_have_count(3)
    telegram.set_rights(CHAT_ID, admin=False)
    await row.get_by_role("button", name="Check rights").click()
    await expect(page.locator("#action-done")).to_contain_text("the bot lacks some rights")
    await expect(page.locator("#channel-results .rights .missing")).to_have_count(3)
    await page.screenshot(path=str(screenshots / "admin-bots-channels.png"), full_page=True)

    world_ = _world(discord)
    await page.get_by_role("link", name="Discord roles").click()
    await expect(page.get_by_role("heading", name="No Discord server connected")).to_be_visible()
    await page.get_by_label("Application id").fill(world_.app.id)
    await page.get_by_label("Public key").fill(world_.app.public_key)
    await page.get_by_label("Bot token").fill("MTE.not-the-token-of-this-app-at-all")
    await page.get_by_label("Server id").fill(world_.guild.id)
    await page.get_by_role("button", name="Check and connect").click()
    await expect(page.locator("#f-bot_token-error")).to_contain_text("does not accept")
    await expect(page.get_by_label("Application id")).to_have_value(world_.app.id)
    await page.screenshot(path=str(screenshots / "admin-bots-discord-connect.png"), full_page=True)
    await page.get_by_label("Bot token").fill(world_.app.token)
    await page.get_by_role("button", name="Check and connect").click()
    await expect(page.locator("#action-done")).to_contain_text("Discord is connected.")
    await page.get_by_label("Plan or product").select_option(label="VIP month")
    await page.get_by_label("Role", exact=True).select_option(world_.guild.role_named("Admins").id)
    await page.get_by_role("button", name="Map the role").click()
    await expect(page.locator("#f-role_id-error")).to_contain_text("must be above “Admins”")
    await page.get_by_label("Role", exact=True).select_option(world_.premium.id)
    await page.get_by_role("button", name="Map the role").click()
    await expect(page.locator("#action-done")).to_contain_text("The role is mapped")
    await expect(page.get_by_role("row", name="VIP month")).to_contain_text("@Premium")
    await page.screenshot(path=str(screenshots / "admin-bots-discord.png"), full_page=True)

    await page.get_by_role("link", name="Telegram bots").click()
    await page.get_by_role("button", name="Disconnect…").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Disconnect @lumen_bot?")
    await page.keyboard.press("Enter")  # the confirmation has the focus
    await expect(page.locator("#action-done")).to_contain_text("its token is forgotten")
    await expect(page.get_by_role("heading", name="No bot connected yet")).to_be_visible()
    assert fake.webhook_url == ""
    await page.close()
    assert errors == []


async def test_the_bots_page_fits_a_phone(
    browser: Browser, live_server: str, world: World, screenshots: Path, telegram: FakeTelegram
) -> None:
    owner = await world.user("pavel@bots.example")
    await world.shop("mobile", owner=owner, name="Mobile Club")
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    await page.goto(f"{live_server}/admin/login?next=/admin/s/mobile/bots")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label("Bot token").fill(telegram.add_bot("mobile_bot").token)
    await page.get_by_role("button", name="Connect the bot").click()
    await expect(page.get_by_role("heading", name="@mobile_bot")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    await page.screenshot(path=str(screenshots / "admin-bots-phone.png"), full_page=True)
    await page.close()
