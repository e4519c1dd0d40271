"""The seed's payment and premium messages: a paid order confirmed by email to the customer,
a failed payment alerted to the shop's owners and admins by email, and a premium reminder
that reaches a member known only by Discord as a direct message."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Literal

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import capture_logs

from shopkeeper import bus, identity, payments
from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.kit.money import format_money
from shopkeeper.notifications import Delivery, OutboundMessage, register_messenger
from shopkeeper.notifications.email import NOT_CONFIGURED
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders import Staff, add_member, create_user, shop_with_owner
from tests.builders.orders import create_sellable, place_order
from tests.builders.payments import start
from tests.builders.subscriptions import buy, create_plan, run_remind
from tests.fakes.smtp import Mailbox, smtp_server


@dataclass
class StandIn:
    """A Messenger for one channel that keeps what it was asked to send."""

    channel: str
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        return Delivery(status="sent")


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
async def mailing(
    settings: Settings, clock: FrozenClock, mailbox: Mailbox
) -> AsyncIterator[Container]:
    """The app's container sending email through the test's SMTP server."""
    container = build_container(settings.model_copy(update=mailbox.settings()), clock=clock)
    yield container
    await container.close()


@pytest.fixture
async def mail_client(mailing: Container) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=create_app(container=mailing), client=("127.0.0.1", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _customer(container: Container, shop: ShopRead, kind: str, value: str,
                    language: str = "en") -> identity.CustomerRead:  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind=kind, value=value, language=language,
            now=container.clock.now(),
        )  # fmt: skip


async def _pay(
    container: Container, client: AsyncClient, shop: ShopRead, owner: Staff,
    customer_id: uuid.UUID, outcome: Literal["pay", "fail"] = "pay",
) -> str:  # fmt: skip
    """An order of "Premium month" (12.00 EUR) paid (or failed) on the sandbox page."""
    product = await create_sellable(container, shop=shop, price=1200, name="Premium month")
    order = await place_order(container, shop=shop, items=[(product, 1)], customer_id=customer_id)
    started = await start(client, shop=shop, staff=owner, order_id=order.id)
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(started["payment_id"]), outcome=outcome
    )
    await bus.drain(container)
    return order.number


async def _log(container: Container, purpose: str) -> list[NotificationMessage]:
    async with unit_of_work(container.sessions) as session:
        rows = await session.scalars(
            select(NotificationMessage).where(NotificationMessage.purpose == purpose)
        )
        return list(rows)


async def test_a_paid_order_is_confirmed_by_email_in_the_customers_language(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client, name="Zagadka")
    telegram = StandIn("telegram")
    register_messenger(mailing, telegram)
    customer = await _customer(mailing, shop, "email", "ola@example.com", language="pl")
    await _customer_link(mailing, shop, customer.id, "telegram", "100200")

    number = await _pay(mailing, mail_client, shop, owner, customer.id)

    [message] = mailbox.to("ola@example.com")
    amount = format_money(1200, "EUR", "pl")  # 12,00 € (Babel's spaces)
    assert message["Subject"] == f"Zagadka: Płatność otrzymana: {amount} za zamówienie {number}"
    body = message.get_body(("plain",))
    assert body is not None and "Premium month" in body.get_content()
    assert telegram.sent == []  # a confirmation goes by email only
    [row] = await _log(mailing, "payment_confirmation")
    assert (row.channel, row.status, row.language, row.customer_id) == (
        "email", "sent", "pl", customer.id
    )  # fmt: skip
    await bus.drain(mailing)  # nothing more to deliver, nothing sent twice
    assert len(mailbox.to("ola@example.com")) == 1


async def test_a_customer_without_email_gets_no_confirmation(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client)
    telegram = StandIn("telegram")
    register_messenger(mailing, telegram)
    customer = await _customer(mailing, shop, "telegram", "300400")

    await _pay(mailing, mail_client, shop, owner, customer.id)

    assert mailbox.envelopes == [] and telegram.sent == []
    [row] = await _log(mailing, "payment_confirmation")
    assert (row.status, row.error) == ("skipped", "the customer has no email address")


async def test_without_smtp_confirmations_are_logged_as_not_sent_and_alerts_too(
    container: Container, client: AsyncClient
) -> None:
    assert container.settings.smtp_host is None
    shop, owner = await shop_with_owner(container, client)
    customer = await _customer(container, shop, "email", "nosmtp@example.com")

    await _pay(container, client, shop, owner, customer.id)
    with capture_logs() as logs:
        await _pay(container, client, shop, owner, customer.id, outcome="fail")

    [row] = await _log(container, "payment_confirmation")
    assert (row.channel, row.status, row.error) == ("none", "skipped", "no email channel is set up")
    [alert] = await _log(container, "staff.payment_failed")
    assert (alert.user_id, alert.status, alert.error) == (owner.user.id, "failed", NOT_CONFIGURED)
    assert any(entry["event"] == NOT_CONFIGURED for entry in logs)


async def test_a_failed_payment_alerts_the_owners_and_admins(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client, name="Zagadka")
    admin = await create_user(mailing, email="admin@zagadka.example")
    manager = await create_user(mailing, email="manager@zagadka.example")
    await add_member(mailing, shop=shop, user=admin, role="admin")
    await add_member(mailing, shop=shop, user=manager, role="manager")
    customer = await _customer(mailing, shop, "discord", "123456789")

    number = await _pay(mailing, mail_client, shop, owner, customer.id, outcome="fail")

    alerted = sorted(m["To"] for m in mailbox.messages)
    assert alerted == sorted([owner.user.email, "admin@zagadka.example"])
    subject = mailbox.to("admin@zagadka.example")[0]["Subject"]
    assert subject == f"Zagadka: Payment failed: order {number} (€12.00)"
    rows = await _log(mailing, "staff.payment_failed")
    assert sorted((r.user_id, r.status, r.customer_id) for r in rows) == sorted(
        [(owner.user.id, "sent", None), (admin.id, "sent", None)]
    )
    assert await _log(mailing, "payment_confirmation") == []
    listed = await mail_client.get(
        f"/api/v1/shops/{shop.slug}/notifications/messages", headers=owner.headers
    )
    assert listed.status_code == 200, listed.text
    assert {m["user_id"] for m in listed.json()["items"]} == {str(owner.user.id), str(admin.id)}


async def test_a_premium_reminder_reaches_a_discord_only_member_by_dm(
    container: Container, client: AsyncClient
) -> None:
    shop, _ = await shop_with_owner(container, client)
    discord = StandIn("discord")  # the Discord adapter's Messenger speaks for this channel
    register_messenger(container, discord)
    plan = await create_plan(container, shop=shop, name="Premium", unit="day", count=5)
    member = await _customer(container, shop, "discord", "80351110224678912")
    await buy(container, shop=shop, plan=plan, customer_id=member.id)
    container.clock.advance(days=3)

    await run_remind(container)
    await bus.drain(container)

    reminders = [m for m in discord.sent if "ends in" in m.text]
    assert [(m.address, m.customer_id) for m in reminders] == [("80351110224678912", member.id)]
    assert "Premium" in reminders[0].text
    assert reminders[0].text.endswith("Renew with /premium buy to keep your access.")  # Discord's
    [row] = await _log(container, "subscription.reminder")
    assert (row.channel, row.status) == ("discord", "sent")


async def _customer_link(
    container: Container, shop: ShopRead, customer_id: uuid.UUID, kind: str, value: str
) -> None:
    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=customer_id, kind=kind, value=value,
            now=container.clock.now(),
        )  # fmt: skip
