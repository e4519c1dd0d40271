"""The storefront in a real browser: a customer signs in with a code from their mailbox (a
local SMTP server), buys a tier with the sandbox gateway (Pay on /pay/…), watches the success
page turn to "Premium active", then links Discord from the account page (through the fake
Discord's consent page) and the shop's bot gives them the tier's role on the fake Discord.

Screenshots go to /tmp/storefront-*.png (looked at by a person; not committed).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, expect

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.bots.discord.conftest import ShopOwner, World, connect_body, world
from tests.bots.discord.helpers import map_role
from tests.browser.support import serve_app, watch_console
from tests.conftest import make_settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.server import serve
from tests.fakes.smtp import Mailbox, smtp_server
from tests.web.store.support import seed_lumen

__all__ = ["world"]
pytestmark = pytest.mark.browser
SHOTS = Path("/tmp")
WAIT = 20_000  # ms: the relay delivers the payment's events in the background
EMAIL = "ola@example.com"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as found:
        yield found


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
def settings(database_url: str, mailbox: Mailbox, discord: FakeDiscord) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, log_json=False,
                         discord_api_url=discord.url, **mailbox.settings())  # fmt: skip


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The whole app as `shopkeeper serve` runs it: relay and scheduled jobs in process."""
    with serve_app(create_app(settings, background=True)) as url:
        yield url


async def _shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(SHOTS / f"storefront-{name}.png"), full_page=True)


async def test_sign_in_by_email_buy_a_tier_and_get_the_discord_role(
    browser: Browser, live_server: str, container: Container, client: AsyncClient,
    mailbox: Mailbox, world: World,
) -> None:  # fmt: skip
    lumen = await seed_lumen(container, client)
    url = f"/api/v1/shops/{lumen.shop.slug}/discord"
    connected = await client.post(url, json=connect_body(world), headers=lumen.owner.headers)
    assert connected.status_code == 201, connected.text
    await map_role(client, ShopOwner(lumen.shop, lumen.owner), lumen.basic, world.premium.id)
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="pl-PL")
    errors = watch_console(page)

    await page.goto(f"{live_server}/s/lumen")
    await expect(page.get_by_role("heading", name="Plany")).to_be_visible()
    await _shot(page, "home")
    await page.locator("[data-tier='basic'] a").click()
    await page.locator("#signin-to-buy").click()
    await page.locator("#email").fill(EMAIL)
    await page.locator("#send-code").click()
    await expect(page.get_by_role("heading", name="Wpisz kod")).to_be_visible()
    await page.get_by_label("Kod logowania").fill(mailbox.last_code(EMAIL))
    await page.locator("#verify-code").click()

    await expect(page).to_have_url(re.compile(r"/s/lumen/p/basic$"))
    await _shot(page, "product")
    await page.get_by_role("button", name=re.compile("Kup za")).click()
    await expect(page.locator("#pay-button")).to_be_visible()
    await _shot(page, "pay")
    await page.locator("#pay-button").click()

    await expect(page).to_have_url(re.compile(r"/s/lumen/checkout/success\?order="))
    await expect(page.locator("#status-heading")).to_have_text("Premium aktywne", timeout=WAIT)
    await expect(page.locator("#order-status")).to_contain_text("Basic")
    await _shot(page, "success")

    await page.get_by_role("link", name="Przejdź do mojego konta").click()
    await expect(page.locator("#subscriptions")).to_contain_text("Aktywna")
    ola = world.fake.add_user("ola_discord", global_name="Ola")
    world.fake.consenting_user = ola  # signed in at Discord; pressing Authorize
    await page.locator("#link-discord").click()

    await expect(page).to_have_url(re.compile(r"/s/lumen/account$"))
    await expect(page.locator("#linked-discord")).to_contain_text("@ola_discord")
    await world.fake.wait_for("PUT /guilds/{guild_id}/members/{user_id}", timeout=WAIT / 1000)
    assert world.guild.members[ola.id].roles == [world.premium.id]
    await _shot(page, "account")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing spills sideways on a phone
    assert errors == []
