"""The playground's Bot API stand-in: Telegram's wire format, for playground tokens only.

Driven with the real aiogram client (the runtime's in-process session), over HTTP with JSON
and form bodies, and with aiogram's own HTTP session against the app served by uvicorn.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    ChatMemberAdministrator,
    ChatMemberLeft,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LabeledPrice,
)
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.playground import PLAYGROUND_PATH, create_playground_bot
from shopkeeper.bots.telegram.repository import BotRepository as Bots
from tests.bots.telegram.conftest import Connected
from tests.bots.telegram.playground_world import World, bot_api, make_world
from tests.fakes.server import serve

MENU = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Help", callback_data="menu:help")]]
)


def _data(markup: InlineKeyboardMarkup | None) -> list[str | None]:
    assert markup is not None
    return [button.callback_data for row in markup.inline_keyboard for button in row]


@pytest.fixture
async def world(container: Container) -> World:
    return await make_world(container)


async def _started(world: World) -> int:
    """A tester who has opened the chat (the bot may now write to them)."""
    tester = world.tester()
    await world.say(tester, "hello")
    return (await world.view(tester)).tester.telegram_user_id


async def test_a_playground_bot_is_a_connected_bot_served_by_the_stand_in(
    world: World, container: Container
) -> None:
    async with container.readers() as session:
        row = await Bots(session).get(world.shop.id, world.read.bot_id)  # type: ignore[arg-type]
    assert row is not None and row.active
    assert row.api_base == "http://testserver" + PLAYGROUND_PATH
    assert row.username == world.read.username == "lumen_club_playground_bot"
    me = await (await world.bot()).get_me()
    assert (me.id, me.is_bot, me.username) == (world.read.telegram_bot_id, True, row.username)
    await world.flush()
    commands = await (await world.bot()).get_my_commands(language_code="ru")
    assert "start" in [c.command for c in commands]


async def test_messages_are_sent_edited_and_refused_as_telegram_does(world: World) -> None:
    bot, chat = await world.bot(), await _started(world)
    sent = await bot.send_message(
        chat, "<b>Hi</b> &amp; welcome", parse_mode="HTML", reply_markup=MENU
    )
    assert sent.chat.id == chat and sent.text == "Hi & welcome"
    assert _data(sent.reply_markup) == ["menu:help"] and sent.from_user and sent.from_user.is_bot
    edited = await bot.edit_message_text("Changed", chat_id=chat, message_id=sent.message_id)
    assert edited.text == "Changed" and edited.reply_markup is None  # no markup: keyboard gone
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Changed", chat_id=chat, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat, message_id=1)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(chat, " ")
    bad = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="y" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(chat, "too long data", reply_markup=bad)
    assert await bot.answer_callback_query("123", text="Saved")
    await world.flush()
    view = await world.view(world.tester())
    assert view.messages == []  # another staff member has a chat of their own


async def test_the_bot_cannot_start_a_conversation_or_reach_unknown_chats(world: World) -> None:
    bot = await world.bot()
    never_started = world.tester()
    await world.view(never_started)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(5_123_456_789, "hi")
    from shopkeeper.bots.telegram.playground import set_language

    await set_language(world.container, shop_id=world.shop.id, tester=never_started, language="pl")
    user_id = (await world.view(never_started)).tester.telegram_user_id
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await bot.send_message(user_id, "hi")


async def test_the_channel_invite_links_and_removals(world: World) -> None:
    bot, channel, user = await world.bot(), world.channel, await _started(world)
    chat = await bot.get_chat(channel)
    assert chat.type == "channel" and chat.title == "Lumen Club VIP"
    me = await bot.get_chat_member(channel, world.read.telegram_bot_id)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_invite_users and me.can_restrict_members
    assert isinstance(await bot.get_chat_member(channel, user), ChatMemberLeft)
    expires = world.container.clock.now() + timedelta(hours=1)
    link = await bot.create_chat_invite_link(channel, expire_date=expires, member_limit=1)
    assert link.invite_link.startswith("https://t.me/+") and link.member_limit == 1
    assert link.expire_date == expires.replace(microsecond=0)
    with pytest.raises(TelegramBadRequest, match="member limit can't be specified"):
        await bot.create_chat_invite_link(channel, creates_join_request=True, member_limit=1)
    with pytest.raises(TelegramBadRequest, match="HIDE_REQUESTER_MISSING"):
        await bot.approve_chat_join_request(channel, user)
    assert await bot.ban_chat_member(channel, user)
    await world.flush()
    assert (await bot.get_chat_member(channel, user)).status == "kicked"
    assert await bot.unban_chat_member(channel, user, only_if_banned=True)
    await world.flush()
    assert (await bot.get_chat_member(channel, user)).status == "left"
    with pytest.raises(TelegramBadRequest, match="can't remove chat owner"):
        await bot.ban_chat_member(channel, 1000)
    admins = await bot.get_chat_administrators(channel)
    assert [a.status for a in admins] == ["creator", "administrator"]


async def test_invoices_and_star_refunds(world: World) -> None:
    bot, chat = await world.bot(), await _started(world)
    price = [LabeledPrice(label="VIP", amount=250)]
    sent = await bot.send_invoice(
        chat,
        title="VIP",
        description="One month",
        payload="p-1",
        currency="XTR",
        prices=price,
        provider_token="",
    )
    assert sent.invoice is not None and sent.invoice.total_amount == 250
    link = await bot.create_invoice_link(
        title="VIP",
        description="Monthly",
        payload="p-2",
        currency="XTR",
        prices=price,
        subscription_period=2592000,
    )
    assert link.startswith("https://t.me/$")
    with pytest.raises(TelegramBadRequest, match="STARS_INVOICE_INVALID"):
        await bot.send_invoice(
            chat, title="x", description="y", payload="z", currency="XTR", prices=price * 2
        )
    assert await bot.answer_pre_checkout_query("q-1", ok=False, error_message="Sold out")
    with pytest.raises(TelegramBadRequest, match="CHARGE_NOT_FOUND"):
        await bot.refund_star_payment(chat, "stxch_nope")


async def test_webhook_and_commands(world: World) -> None:
    bot = await world.bot()
    assert await bot.set_webhook("https://shop.example/telegram/x", secret_token="s3cret")
    await world.flush()
    info = await bot.get_webhook_info()
    assert info.url == "https://shop.example/telegram/x" and info.pending_update_count == 0
    assert await bot.delete_webhook()
    assert await bot.set_my_commands(
        [BotCommand(command="buy", description="Buy")], language_code="pl"
    )
    await world.flush()
    assert (await bot.get_webhook_info()).url == ""
    assert [c.command for c in await bot.get_my_commands(language_code="pl")] == ["buy"]


async def test_only_playground_tokens_are_served_and_each_sees_its_own_chats(
    client: AsyncClient, container: Container, world: World, bot: Connected
) -> None:
    other = await make_world(container, name="Other Shop")
    token = await world.token()
    status, body = await bot_api(client, token, "getMe")
    assert status == 200 and body["ok"] and body["result"]["id"] == world.read.telegram_bot_id
    for wrong in (bot.fake.token, token + "x", "123:abc"):  # a real bot's token is unknown here
        assert await bot_api(client, wrong, "getMe") == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
    status, body = await bot_api(client, token, "getChat", chat_id=other.channel)
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    user = await _started(other)
    status, body = await bot_api(client, token, "sendMessage", chat_id=user, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = await bot_api(client, token, "noSuchMethod")
    assert (status, body["error_code"]) == (404, 404)


async def test_form_bodies_decode_like_the_bot_api(client: AsyncClient, world: World) -> None:
    token, chat = await world.token(), await _started(world)
    response = await client.post(
        f"/playground-api/bot{token}/sendMessage",
        data={"chat_id": str(chat), "text": "form", "reply_markup": MENU.model_dump_json()},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "menu:help"
    status, body = await bot_api(client, token, "sendMessage", chat_id=chat)
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_aiogram_over_http_gets_the_same_answers(container: Container, world: World) -> None:
    from shopkeeper.app import create_app

    chat = await _started(world)
    async with serve(create_app(container=container)) as url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(url + PLAYGROUND_PATH))
        bot = Bot(await world.token(), session=session)
        try:
            sent = await bot.send_message(chat, "over HTTP", reply_markup=MENU)
            assert sent.text == "over HTTP" and _data(sent.reply_markup) == ["menu:help"]
            member = await bot.get_chat_member(world.channel, world.read.telegram_bot_id)
            assert member.status == "administrator"
        finally:
            await session.close()


async def test_one_playground_per_shop(world: World, container: Container) -> None:
    from shopkeeper.audit import Actor
    from shopkeeper.bots.telegram.playground import PlaygroundExists

    with pytest.raises(PlaygroundExists):
        await create_playground_bot(
            container, shop_id=world.shop.id, actor=Actor.system("t"), base_url="http://x"
        )
