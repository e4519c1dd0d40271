"""Our bots' Bot API session: JSON bodies for plain calls, aiogram's form when files go up."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from shopkeeper.bots.telegram.session import JsonSession
from tests.fakes.telegram import FakeBot, FakeTelegram


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[tuple[Bot, FakeBot]]:
    twin = telegram.add_bot("json_bot")
    session = JsonSession(api=TelegramAPIServer.from_base(telegram.url))  # type: ignore[attr-defined]
    client = Bot(twin.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield client, twin
    await session.close()


async def test_plain_calls_go_as_one_json_document(
    bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    client, _twin = bot
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Buy", callback_data="buy:1")]]
    )
    sent = await client.send_message(42, "<b>Hi</b>", reply_markup=markup)

    call = telegram.calls_to("sendMessage")[-1]
    assert call.content_type == "application/json"
    assert call.params["chat_id"] == 42 and call.params["text"] == "<b>Hi</b>"
    assert call.params["parse_mode"] == "HTML"  # the bot's default is resolved, not sent raw
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Buy", "callback_data": "buy:1"}]]
    }
    assert "disable_notification" not in call.params  # unset parameters are left out
    assert sent.chat.id == 42 and sent.text == "<b>Hi</b>"


async def test_uploads_keep_the_multipart_form(
    bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    client, _twin = bot
    photo = BufferedInputFile(b"\x89PNG fake image", filename="card.png")
    await client.send_photo(42, photo, caption="A card")

    call = telegram.calls_to("sendPhoto")[-1]
    assert call.content_type == "multipart/form-data"
    assert call.params["caption"] == "A card"
    attached = call.params["photo"].removeprefix("attach://")
    assert call.params[attached]["filename"] == "card.png"


async def test_errors_read_as_aiogram_reads_them(
    bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    client, _twin = bot
    telegram.throttle("sendMessage", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as throttled:
        await client.send_message(42, "x")
    assert throttled.value.retry_after == 3
    telegram.block(77)
    with pytest.raises(TelegramForbiddenError):
        await client.send_message(77, "x")

    closed = JsonSession(api=TelegramAPIServer.from_base("http://127.0.0.1:9"))
    try:
        with pytest.raises(TelegramNetworkError):
            await Bot(client.token, session=closed).send_message(42, "x")
    finally:
        await closed.close()
