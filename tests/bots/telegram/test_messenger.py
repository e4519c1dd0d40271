"""The Telegram messenger: through the shop's bot the person talks to, within Telegram's rules."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import notifications
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.messenger import TelegramMessenger
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications import Button, Delivery, Notice, OutboundMessage
from tests.bots.telegram.channel_helpers import buttons, customer_of, start
from tests.bots.telegram.conftest import Connected, connect
from tests.fakes.telegram import FakeTelegram, tg_user


def _messenger(container: Container) -> TelegramMessenger:
    [found] = [m for m in notifications.registered_messengers(container) if m.channel == "telegram"]
    assert isinstance(found, TelegramMessenger)
    return found


async def _send(
    container: Container, bot: Connected, user: dict[str, object], **kw: object
) -> Delivery:
    message = OutboundMessage(
        shop_id=bot.so.shop.id, customer_id=uuid.uuid4(), address=str(user["id"]),
        text=str(kw.get("text", "Hello")), buttons=kw.get("buttons", ()),  # type: ignore[arg-type]
    )  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        return await _messenger(container).send(session, message)


async def _blocked_at(container: Container, user: dict[str, object]) -> object:
    async with unit_of_work(container.sessions) as session:
        query = select(TelegramUser.blocked_at).where(TelegramUser.telegram_user_id == user["id"])
        return (await session.execute(query)).scalar_one()


async def test_a_message_with_link_buttons_reaches_the_person(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)

    delivery = await _send(
        container, bot, user, text="Your link",
        buttons=(Button(label="Join", url="https://t.me/+abc"),),
    )  # fmt: skip

    assert delivery == Delivery("sent", "")
    message = telegram.sent(user["id"])[-1]
    assert message["text"] == "Your link" and buttons(message) == [("Join", "https://t.me/+abc")]


async def test_a_user_who_blocked_the_bot_is_marked_and_not_sent_to_again(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    telegram.block(user["id"])

    first = await _send(container, bot, user)
    assert first.status == "blocked" and "blocked by the user" in first.error
    assert await _blocked_at(container, user) == container.clock.now()
    calls = len(telegram.calls_to("sendMessage"))

    again = await _send(container, bot, user)
    assert again.status == "blocked"
    assert len(telegram.calls_to("sendMessage")) == calls  # Telegram is not asked again


async def test_a_429_is_waited_out_and_the_message_still_sent(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    telegram.throttle("sendMessage", retry_after=1)

    assert (await _send(container, bot, user, text="After a pause")).status == "sent"
    assert telegram.sent(user["id"])[-1]["text"] == "After a pause"


async def test_someone_who_never_opened_a_bot_of_the_shop_cannot_be_reached(
    container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    delivery = await _send(container, bot, tg_user())

    assert delivery.status == "failed" and telegram.calls_to("sendMessage") == []


async def test_the_latest_bot_the_person_talks_to_is_used(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    clock: FrozenClock,
) -> None:  # fmt: skip
    second = await connect(client, bot.so, telegram.add_bot("lumen_two_bot"))
    user = tg_user()
    await start(client, bot, user)
    clock.advance(minutes=5)
    await start(client, second, user)

    await _send(container, bot, user, text="Which bot?")

    [call] = [c for c in telegram.calls_to("sendMessage") if c.params["text"] == "Which bot?"]
    assert call.token == second.fake.token


async def test_notifications_log_a_blocked_customer_through_this_messenger(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    telegram.block(user["id"])
    notice = Notice(
        shop_id=bot.so.shop.id, customer_id=await customer_of(container, user),
        purpose="access.revoked", variables={"title": "VIP"}, dedupe_key="test:1",
    )  # fmt: skip

    async with unit_of_work(container.sessions) as session:
        logged = await notifications.notify(
            session, notifications.registered_messengers(container), notice,
            now=container.clock.now(),
        )  # fmt: skip

    assert (logged.channel, logged.status) == ("telegram", "blocked")
    assert await _blocked_at(container, user) is not None
