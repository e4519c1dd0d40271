"""Opt-outs: /stop in the bot, the email unsubscribe link (RFC 8058), staff and API changes;
every non-required message respects them, a payment confirmation does not need to."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import bus, identity, payments
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.bots.telegram.conftest import PUBLIC_URL, Connected, deliver, shop_owner, telegram
from tests.builders import Staff, shop_with_owner
from tests.builders.orders import create_sellable, place_order
from tests.builders.payments import start
from tests.builders.staff import login
from tests.builders.subscriptions import buy, create_plan, run_remind
from tests.fakes.smtp import Mailbox, smtp_server
from tests.fakes.telegram import FakeTelegram, callback_update, command_update, tg_user

__all__ = ["shop_owner", "telegram"]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(database_url: str, telegram: FakeTelegram, mailbox: Mailbox) -> Settings:
    """The fake Bot API, a local SMTP server and a public URL for the unsubscribe links."""
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url=PUBLIC_URL,
        telegram_api_url=telegram.url, **mailbox.settings(),  # type: ignore[attr-defined]
    )  # fmt: skip


@pytest.fixture
async def container(settings: Settings, clock: FrozenClock) -> AsyncIterator[Container]:
    container = build_container(settings, clock=clock)
    yield container
    await container.close()


@pytest.fixture
async def bot(client: AsyncClient, shop_owner: Any, telegram: FakeTelegram) -> Connected:
    from tests.bots.telegram.conftest import connect

    return await connect(client, shop_owner, telegram.add_bot("lumen_bot", "Lumen"))


async def _customer_of(container: Container, shop: ShopRead, kind: str, value: str,
                       language: str = "en") -> identity.CustomerRead:  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind=kind, value=value, language=language,
            now=container.clock.now(),
        )  # fmt: skip


async def _link(container: Container, shop: ShopRead, customer_id: uuid.UUID, kind: str,
                value: str) -> None:  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=customer_id, kind=kind, value=value,
            now=container.clock.now(),
        )  # fmt: skip


async def _log(container: Container, purpose: str) -> list[NotificationMessage]:
    async with unit_of_work(container.sessions) as session:
        query = select(NotificationMessage).where(NotificationMessage.purpose == purpose)
        return list(await session.scalars(query.order_by(NotificationMessage.created_at)))


async def _remind(container: Container, shop: ShopRead, customer_id: uuid.UUID) -> None:
    """A 5-day plan bought now; three days later its "ends in 2 days" reminder is due."""
    plan = await create_plan(container, shop=shop, name="Premium", unit="day", count=5)
    await buy(container, shop=shop, plan=plan, customer_id=customer_id)
    container.clock.advance(days=3)  # type: ignore[attr-defined]
    await run_remind(container)
    await bus.drain(container)


async def _pay(container: Container, client: AsyncClient, shop: ShopRead, owner: Staff,
               customer_id: uuid.UUID) -> None:  # fmt: skip
    product = await create_sellable(container, shop=shop, price=1200, name="Premium month")
    order = await place_order(container, shop=shop, items=[(product, 1)], customer_id=customer_id)
    started = await start(client, shop=shop, staff=owner, order_id=order.id)
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(started["payment_id"]), outcome="pay"
    )
    await bus.drain(container)


def _url(shop: ShopRead, customer_id: uuid.UUID | str) -> str:
    return f"/api/v1/shops/{shop.slug}/customers/{customer_id}/notification-preferences"


def _payload(shop_id: uuid.UUID, customer_id: uuid.UUID) -> str:
    raw = f"{shop_id.hex}:{customer_id.hex}:email".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unsubscribe_path(text: str) -> str:
    link = next(word for word in text.split() if word.startswith(f"{PUBLIC_URL}/u/"))
    return link.removeprefix(PUBLIC_URL)


async def test_stop_in_the_bot_silences_reminders_but_not_payment_confirmations(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    mailbox: Mailbox,
) -> None:  # fmt: skip
    shop, owner = bot.so.shop, bot.so.owner
    user = tg_user(language_code="pl")
    await deliver(client, bot, command_update(user, "start"))
    customer = await _customer_of(container, shop, "telegram", str(user["id"]))

    response = await deliver(client, bot, command_update(user, "stop"))

    assert response.status_code == 200
    reply = telegram.sent(user["id"])[-1]["text"]
    assert reply.startswith("Gotowe: Lumen Club nie będzie już wysyłać")
    assert "/notifications" in reply
    # Known by email too, and opted out of it by staff: no channel left for a reminder.
    await _link(container, shop, customer.id, "email", "ola@example.com")
    put = await client.put(_url(shop, customer.id), json={"opted_out": {"email": True}},
                           headers=owner.headers)  # fmt: skip
    assert put.status_code == 200, put.text
    await _remind(container, shop, customer.id)
    assert not [m for m in telegram.sent(user["id"]) if "kończy się" in m["text"]]
    assert mailbox.to("ola@example.com") == []
    [reminder] = await _log(container, "subscription.reminder")
    assert (reminder.status, reminder.error) == (
        "skipped", "the customer opted out of telegram and email"
    )  # fmt: skip
    # A receipt is legally required: it reaches a customer who opted out of everything.
    owner = Staff(user=owner.user, tokens=await login(client, email=owner.user.email))
    await _pay(container, client, shop, owner, customer.id)
    [confirmation] = await _log(container, "payment_confirmation")
    assert (confirmation.channel, confirmation.status) == ("email", "sent")
    [receipt] = mailbox.to("ola@example.com")
    assert receipt["List-Unsubscribe"] is None  # nothing to unsubscribe from
    assert "/u/" not in str(receipt.get_body(("plain",)).get_content())  # type: ignore[union-attr]


async def test_a_later_start_keeps_the_opt_out_and_notifications_turns_messages_back_on(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    shop = bot.so.shop
    user = tg_user(language_code="en")
    await deliver(client, bot, command_update(user, "start"))
    await deliver(client, bot, command_update(user, "stop"))
    await deliver(client, bot, command_update(user, "start"))
    customer = await _customer_of(container, shop, "telegram", str(user["id"]))
    channels = await _channels(client, bot.so.owner, shop, customer.id)
    assert channels["telegram"]["opted_out"] and channels["telegram"]["source"] == "bot"

    await deliver(client, bot, command_update(user, "notifications"))
    shown = telegram.sent(user["id"])[-1]
    assert shown["text"] == "Reminders and news from Lumen Club are turned off here."
    [[button]] = shown["reply_markup"]["inline_keyboard"]
    await deliver(client, bot, callback_update(user, button["callback_data"]))

    assert telegram.sent(user["id"])[-1]["text"].startswith("Reminders and news from Lumen Club")
    channels = await _channels(client, bot.so.owner, shop, customer.id)
    assert not channels["telegram"]["opted_out"]
    await _remind(container, shop, customer.id)
    assert [m for m in telegram.sent(user["id"]) if "ends in 2 day(s)" in m["text"]]


async def _channels(
    client: AsyncClient, staff: Staff, shop: ShopRead, customer_id: uuid.UUID
) -> dict[str, dict[str, Any]]:
    """Read by the staff member, signed in afresh (the clock may have moved past the token)."""
    headers = (await login(client, email=staff.user.email)).headers
    response = await client.get(_url(shop, customer_id), headers=headers)
    assert response.status_code == 200, response.text
    return {c["channel"]: c for c in response.json()["channels"]}


async def test_the_email_unsubscribe_link_opts_out_and_a_forged_one_changes_nothing(
    client: AsyncClient, container: Container, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(container, client, name="Zagadka")
    customer = await _customer_of(container, shop, "email", "jan@example.com", language="pl")
    await _remind(container, shop, customer.id)
    [email] = mailbox.to("jan@example.com")
    body = email.get_body(("plain",))
    assert body is not None
    path = _unsubscribe_path(body.get_content())
    assert email["List-Unsubscribe"] == f"<{PUBLIC_URL}{path}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Wypisz się z tych wiadomości" in body.get_content()
    payload, _, signature = path.removeprefix("/u/").partition(".")
    assert payload == _payload(shop.id, customer.id)
    other = await _customer_of(container, shop, "email", "eve@example.com")
    forged = [
        f"/u/{payload}.{'0' * len(signature)}",
        f"/u/{payload[:-2]}AA.{signature}",
        f"/u/{_payload(shop.id, other.id)}.{signature}",  # someone else, with this signature
        "/u/nonsense",
    ]
    for bad in forged:
        for method in ("GET", "POST"):
            response = await client.request(method, bad)
            assert response.status_code == 400, (bad, method, response.text)
            assert "This unsubscribe link is not valid" in response.text
    assert not (await _channels(client, owner, shop, customer.id))["email"]["opted_out"]

    page = await client.get(path)
    assert page.status_code == 200 and "Zagadka" in page.text and 'method="post"' in page.text
    assert not (await _channels(client, owner, shop, customer.id))["email"]["opted_out"]
    one_click = await client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert one_click.status_code == 200 and "You are unsubscribed" in one_click.text
    email_pref = (await _channels(client, owner, shop, customer.id))["email"]
    assert email_pref["opted_out"] and email_pref["source"] == "email_link"
    assert not (await _channels(client, owner, shop, other.id))["email"]["opted_out"]
    assert (await client.post(path)).status_code == 200  # again: still fine, nothing new
    container.clock.advance(days=1)  # type: ignore[attr-defined]  # the 1-day reminder
    await run_remind(container)
    await bus.drain(container)
    assert len(mailbox.to("jan@example.com")) == 1
    last = (await _log(container, "subscription.reminder"))[-1]
    assert (last.status, last.error) == ("skipped", "the customer opted out of email")


async def test_staff_read_and_change_preferences_audited_and_only_in_their_shop(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other_shop, other_owner = await shop_with_owner(container, client)
    customer = await _customer_of(container, shop, "telegram", "5551234")
    stranger = await _customer_of(container, other_shop, "telegram", "5551234")

    put = await client.put(_url(shop, customer.id), headers=owner.headers,
                           json={"opted_out": {"sms": True, "discord": True}})  # fmt: skip
    assert put.status_code == 200, put.text
    back = await client.put(_url(shop, customer.id), headers=owner.headers,
                            json={"opted_out": {"discord": False}})  # fmt: skip

    channels = {c["channel"]: c for c in back.json()["channels"]}
    assert [c for c in channels if channels[c]["opted_out"]] == ["sms"]
    assert channels["sms"]["source"] == "staff" and channels["sms"]["opted_out_at"]
    audit = await client.get(f"/api/v1/shops/{shop.slug}/audit", headers=owner.headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert actions.count("customer.notification_preferences_changed") == 2
    for url, headers in [
        (_url(shop, uuid.uuid4()), owner.headers),  # no such customer
        (_url(shop, stranger.id), owner.headers),  # another shop's customer
        (_url(other_shop, customer.id), other_owner.headers),
    ]:
        assert (await client.get(url, headers=headers)).status_code == 404
        changed = await client.put(url, headers=headers, json={"opted_out": {"sms": True}})
        assert changed.status_code == 404, changed.text
    for bad in [{"opted_out": {"fax": True}}, {"opted_out": {}}, {"opted_out": {"sms": "maybe"}}]:
        response = await client.put(_url(shop, customer.id), headers=owner.headers, json=bad)
        assert response.status_code == 422, response.text
    assert not (await _channels(client, other_owner, other_shop, stranger.id))["sms"]["opted_out"]
    assert (await client.get(_url(shop, customer.id))).status_code == 401
