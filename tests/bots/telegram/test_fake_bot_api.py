"""The fake Bot API answers the real aiogram client the way Telegram does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
)

from tests.fakes.telegram import FakeBot, FakeTelegram, tg_user

CHANNEL = -1001234567890


@pytest.fixture
async def fake_bot(telegram: FakeTelegram) -> AsyncIterator[tuple[Bot, FakeBot]]:
    twin = telegram.add_bot("fake_bot")
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))  # type: ignore[attr-defined]
    bot = Bot(twin.token, session=session)
    yield bot, twin
    await session.close()


def _keyboard(text: str) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=text, callback_data="x")
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def test_identity_webhook_and_errors(
    fake_bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    bot, twin = fake_bot
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (twin.id, "fake_bot", True)

    with pytest.raises(TelegramBadRequest, match="HTTPS URL"):
        await bot.set_webhook("http://insecure.example/hook")
    await bot.set_webhook("https://shop.example/hook", secret_token="s3cret_-")
    with pytest.raises(TelegramConflictError):
        await bot.get_updates(timeout=1)
    info = await bot.get_webhook_info()
    assert info.url == "https://shop.example/hook" and twin.webhook_secret == "s3cret_-"

    telegram.throttle("getMe", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as throttled:
        await bot.get_me()
    assert throttled.value.retry_after == 7
    stranger = Bot("123:AAnot-a-known-token-at-all-000000000", session=bot.session)
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    assert telegram.calls[-1].status == 401


async def test_json_bodies_and_unknown_methods(telegram: FakeTelegram) -> None:
    twin = telegram.add_bot()
    url = f"{telegram.url}/bot{twin.token}"  # type: ignore[attr-defined]
    async with httpx.AsyncClient() as http:
        sent = await http.post(f"{url}/sendMessage", json={"chat_id": 5, "text": "hi"})
        unknown = await http.post(f"{url}/sendTelepathy", json={})
    assert sent.json()["result"]["chat"] == {"id": 5, "type": "private", "first_name": "User 5"}
    assert unknown.status_code == 404 and unknown.json() == {
        "ok": False, "error_code": 404, "description": "Not Found"
    }  # fmt: skip


async def test_messages_edits_photos_and_blocked_chats(
    fake_bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    bot, _ = fake_bot
    sent = await bot.send_message(77, "one", reply_markup=_keyboard("a"))
    edited = await bot.edit_message_text("two", chat_id=77, message_id=sent.message_id)
    markup = await bot.edit_message_reply_markup(
        chat_id=77, message_id=sent.message_id, reply_markup=_keyboard("b")
    )
    photo = await bot.send_photo(77, BufferedInputFile(b"\x89PNG", "p.png"), caption="pic")
    await bot.answer_callback_query("123", text="ok")

    assert isinstance(edited, type(sent)) and edited.text == "two"
    assert markup.reply_markup.inline_keyboard[0][0].text == "b"  # type: ignore[union-attr]
    assert photo.photo and photo.caption == "pic"
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text("two", chat_id=77, message_id=sent.message_id,
                                    reply_markup=_keyboard("b"))  # fmt: skip
    telegram.block(77)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(77, "three")


async def test_chats_rights_links_and_members(
    fake_bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    bot, twin = fake_bot
    telegram.add_chat(CHANNEL, "Members")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(-100999)
    assert (await bot.get_chat(CHANNEL)).title == "Members"
    assert (await bot.get_chat_member(CHANNEL, twin.id)).status == "member"
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.create_chat_invite_link(CHANNEL)

    telegram.set_rights(CHANNEL, admin=True, can_restrict_members=False)
    me = await bot.get_chat_member(CHANNEL, twin.id)
    assert me.status == "administrator" and me.can_invite_users and not me.can_restrict_members  # type: ignore[union-attr]
    assert len(await bot.get_chat_administrators(CHANNEL)) == 2
    link = await bot.create_chat_invite_link(CHANNEL, name="order 1", creates_join_request=True)
    assert link.creates_join_request and link.invite_link.startswith("https://t.me/+")
    assert (await bot.revoke_chat_invite_link(CHANNEL, link.invite_link)).is_revoked
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.ban_chat_member(CHANNEL, 5)

    user = tg_user()
    update = telegram.join_request(user, CHANNEL)
    assert update["chat_join_request"]["chat"]["id"] == CHANNEL
    assert await bot.approve_chat_join_request(CHANNEL, user["id"])
    assert (await bot.get_chat_member(CHANNEL, user["id"])).status == "member"
    with pytest.raises(TelegramBadRequest, match="HIDE_REQUESTER_MISSING"):
        await bot.decline_chat_join_request(CHANNEL, user["id"])

    telegram.set_rights(CHANNEL, admin=True)
    assert await bot.ban_chat_member(CHANNEL, user["id"])
    assert (await bot.get_chat_member(CHANNEL, user["id"])).status == "kicked"
    assert await bot.unban_chat_member(CHANNEL, user["id"], only_if_banned=True)
    assert (await bot.get_chat_member(CHANNEL, user["id"])).status == "left"


async def test_stars_invoices_checkout_and_refunds(
    fake_bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    bot, _ = fake_bot
    prices = [LabeledPrice(label="Gold", amount=250)]
    invoice = await bot.send_invoice(77, "Gold", "30 days", "order:1", "XTR", prices)
    link = await bot.create_invoice_link("Gold", "30 days", "order:1", "XTR", prices)
    assert invoice.invoice and invoice.invoice.total_amount == 250
    assert link.startswith("https://t.me/$")
    with pytest.raises(TelegramBadRequest, match="STARS_INVOICE_INVALID"):
        await bot.send_invoice(77, "Gold", "x", "p", "XTR", [*prices, *prices])

    assert await bot.answer_pre_checkout_query("q1", ok=False, error_message="Sold out")
    assert telegram.pre_checkout_answers["q1"]["error_message"] == "Sold out"

    user = tg_user()
    paid = telegram.successful_payment(user, total_amount=250, payload="order:1")
    charge = paid["message"]["successful_payment"]["telegram_payment_charge_id"]
    assert await bot.refund_star_payment(user["id"], charge)
    with pytest.raises(TelegramBadRequest, match="CHARGE_ALREADY_REFUNDED"):
        await bot.refund_star_payment(user["id"], charge)
    with pytest.raises(TelegramBadRequest, match="CHARGE_NOT_FOUND"):
        await bot.refund_star_payment(user["id"], "nope")


async def test_get_updates_honours_offset_and_waits_briefly(
    fake_bot: tuple[Bot, FakeBot], telegram: FakeTelegram
) -> None:
    from tests.fakes.telegram import command_update

    bot, twin = fake_bot
    user = tg_user()
    for text in ("help", "start"):
        telegram.push_update(twin, command_update(user, text))

    first = await bot.get_updates(timeout=10)
    rest = await bot.get_updates(offset=first[0].update_id + 1, timeout=10)
    empty = await bot.get_updates(offset=rest[-1].update_id + 1, timeout=10)

    assert [u.message.text for u in first] == ["/help", "/start"]  # type: ignore[union-attr]
    assert [u.message.text for u in rest] == ["/start"]  # type: ignore[union-attr]
    assert empty == []
