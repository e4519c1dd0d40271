"""The email unsubscribe link in a real browser: a customer opens the link of a reminder email
(a local SMTP server received it), confirms, and the next message to them is not sent by
email (the delivery log says why); an altered link shows the shared error page.

Screenshots go to test-results/unsubscribe-*.png (looked at by a person; not committed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, expect

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.notifications import Notice, notify, registered_messengers
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.browser.support import watch_console
from tests.builders import Staff, shop_with_owner
from tests.conftest import make_settings
from tests.fakes.smtp import Mailbox, smtp_server

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"
PUBLIC_URL = "https://shop.example"  # what the emailed link names; the path is opened locally
EMAIL = "jan@example.com"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def settings(database_url: str, mailbox: Mailbox) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, log_json=False,
                         public_url=PUBLIC_URL, **mailbox.settings())  # fmt: skip


async def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"unsubscribe-{name}.png"), full_page=True)


async def _remind(container: Container, shop: ShopRead, customer_id: uuid.UUID, key: str) -> str:
    """A "your plan has ended" message to the customer; the delivery log's status."""
    async with unit_of_work(container.sessions) as session:
        notice = Notice(shop_id=shop.id, customer_id=customer_id, purpose="subscription.expired",
                        variables={"plan": "Premium"}, dedupe_key=key)  # fmt: skip
        message = await notify(session, registered_messengers(container), notice,
                               now=container.clock.now())  # fmt: skip
    return f"{message.channel}/{message.status}: {message.error}"


def _link_path(mailbox: Mailbox) -> str:
    [email] = mailbox.to(EMAIL)
    body = email.get_body(("plain",))
    assert body is not None
    link = next(w for w in body.get_content().split() if w.startswith(f"{PUBLIC_URL}/u/"))
    assert email["List-Unsubscribe"] == f"<{link}>"
    return link.removeprefix(PUBLIC_URL)


async def _log(client: AsyncClient, shop: ShopRead, owner: Staff,
               customer_id: uuid.UUID) -> list[tuple[str, str]]:  # fmt: skip
    response = await client.get(
        f"/api/v1/shops/{shop.slug}/notifications/messages",
        params={"customer_id": str(customer_id)}, headers=owner.headers,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    return [(m["channel"], m["status"]) for m in response.json()["items"]]


async def test_unsubscribing_from_the_email_link_stops_email(
    browser: Browser, live_server: str, container: Container, client: AsyncClient,
    mailbox: Mailbox,
) -> None:  # fmt: skip
    shop, owner = await shop_with_owner(container, client, name="Zagadka Books")
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value=EMAIL, now=container.clock.now()
        )
    assert await _remind(container, shop, customer.id, "first") == "email/sent: "
    path = _link_path(mailbox)
    page = await browser.new_page(viewport={"width": 390, "height": 760}, locale="en-US")
    errors = watch_console(page)

    await page.goto(f"{live_server}{path}")
    await expect(page.get_by_role("heading", name="Unsubscribe from Zagadka Books emails?"))\
        .to_be_visible()  # fmt: skip
    await expect(page.get_by_text("You will still get receipts for your payments.")).to_be_visible()
    await _shot(page, "confirm")
    await page.get_by_role("button", name="Unsubscribe").click()

    await expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    await expect(page.get_by_text("Zagadka Books will not send you these emails any more."))\
        .to_be_visible()  # fmt: skip
    await _shot(page, "done")
    assert await _remind(container, shop, customer.id, "second") == (
        "none/skipped: the customer opted out of email"
    )
    assert len(mailbox.to(EMAIL)) == 1  # the second message never reached the mailbox
    assert await _log(client, shop, owner, customer.id) == [("none", "skipped"), ("email", "sent")]
    assert errors == []

    await page.goto(f"{live_server}{path[:-3]}xyz")  # an altered link
    await expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    await expect(page.get_by_text("This unsubscribe link is not valid")).to_be_visible()
    await expect(page.locator(".error-code")).to_have_text("400")
    await _shot(page, "invalid")
    assert errors == [  # the page's own 400, nothing else
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
