"""TelegramSender: limits, 429 retries after retry_after, blocked users marked, never raising."""

from __future__ import annotations

import itertools
import time

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import Button, TelegramSender, recipient_for_customer
from shopkeeper.bots.telegram.limiter import SendLimiter
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import FakeTelegram, command_update, tg_user


async def _started(client: AsyncClient, bot: Connected) -> int:
    user = tg_user()
    await deliver(client, bot, command_update(user, "start"))
    return int(user["id"])


async def _row(container: Container, telegram_user_id: int) -> TelegramUser:
    async with unit_of_work(container.sessions) as session:
        query = select(TelegramUser).where(TelegramUser.telegram_user_id == telegram_user_id)
        return (await session.execute(query)).scalar_one()


async def test_a_message_with_buttons_is_delivered(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat_id = await _started(client, bot)

    result = await TelegramSender(container).send_text(
        bot_id=bot.id, chat_id=chat_id, text="Your access ends tomorrow",
        buttons=[[Button("Renew", data="renew:1"), Button("Site", url="https://x.example")]],
    )  # fmt: skip

    assert result.delivered and result.message_id
    sent = telegram.sent(chat_id)[-1]
    assert sent["text"] == "Your access ends tomorrow"
    assert sent["reply_markup"]["inline_keyboard"][0][1]["url"] == "https://x.example"


async def test_429_is_retried_after_retry_after(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat_id = await _started(client, bot)
    telegram.throttle("sendMessage", times=1, retry_after=1)

    started = time.monotonic()
    result = await TelegramSender(container).send_text(bot_id=bot.id, chat_id=chat_id, text="Hi")

    assert result.delivered
    assert time.monotonic() - started >= 1.0
    statuses = [c.status for c in telegram.calls_to("sendMessage")][-2:]
    assert statuses == [429, 200]


async def test_endless_429_gives_up_with_the_wait_it_was_asked_for(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat_id = await _started(client, bot)
    telegram.throttle("sendMessage", times=5, retry_after=120)

    result = await TelegramSender(container).send_text(bot_id=bot.id, chat_id=chat_id, text="Hi")

    assert (result.status, result.retry_after) == ("failed", 120)


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat_id = await _started(client, bot)
    row = await _row(container, chat_id)
    telegram.block(chat_id)

    result = await TelegramSender(container).send_text(bot_id=bot.id, chat_id=chat_id, text="Hi")

    assert result.status == "blocked" and "blocked by the user" in (result.error or "")
    assert (await _row(container, chat_id)).blocked_at is not None
    async with unit_of_work(container.sessions) as session:
        recipient = await recipient_for_customer(
            session, shop_id=bot.so.shop.id, customer_id=row.customer_id, shop_default="en"
        )
    assert recipient is None  # not offered for sending any more


async def test_other_failures_are_reported_not_raised(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    sender = TelegramSender(container)

    unknown_chat = await sender.send_text(bot_id=bot.id, chat_id=-100123, text="Hi")
    await client.delete(bot.so.url(f"/{bot.id}"), headers=bot.so.owner.headers)
    gone = await sender.send_text(bot_id=bot.id, chat_id=1, text="Hi")

    assert unknown_chat.status == "failed" and "chat not found" in (unknown_chat.error or "")
    assert gone.status == "failed"


async def test_a_customer_is_reached_through_their_latest_chat(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    chat_id = await _started(client, bot)
    row = await _row(container, chat_id)

    async with unit_of_work(container.sessions) as session:
        recipient = await recipient_for_customer(
            session, shop_id=bot.so.shop.id, customer_id=row.customer_id, shop_default="pl"
        )

    assert recipient is not None
    assert (recipient.bot_id, recipient.chat_id, recipient.language) == (bot.id, chat_id, "en")


def test_the_limiter_spaces_one_chat_by_a_second_and_one_bot_by_a_thirtieth() -> None:
    now = [100.0]
    limiter = SendLimiter(clock=lambda: now[0])

    same_chat = [limiter.reserve("bot", 1) for _ in range(3)]
    many_chats = [limiter.reserve("bot", chat) for chat in range(2, 62)]

    assert same_chat == [0.0, 1.0, 2.0]
    # 60 other chats share the bot's 30 a second (slots not taken by chat 1's messages)
    assert max(many_chats) < 2.1 and len({round(d, 6) for d in many_chats}) == 60
    slots = sorted([*same_chat, *many_chats])
    assert all(b - a >= 1 / 30 - 1e-9 for a, b in itertools.pairwise(slots))
    assert limiter.reserve("other-bot", 1) == 0.0  # bots do not share a budget
