"""What a customer sees: /start, deep links, the menu, /help, /language, a shop's wording."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import (
    FakeTelegram,
    callback_update,
    command_update,
    my_chat_member_update,
    tg_user,
)


async def _user_row(container: Container, telegram_user_id: int) -> TelegramUser:
    async with unit_of_work(container.sessions) as session:
        query = select(TelegramUser).where(TelegramUser.telegram_user_id == telegram_user_id)
        return (await session.execute(query)).scalar_one()


def _buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    rows = params["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_start_links_a_customer_and_shows_the_menu(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user(first_name="Anna", last_name="Nowak", username="anna", language_code="en")

    response = await deliver(client, bot, command_update(user, "start"))

    assert response.status_code == 200
    [reply] = telegram.sent(user["id"])
    assert reply["text"].startswith("Hello, Anna! Welcome to Lumen Club.")
    assert _buttons(reply) == [
        ("🛒 Buy", "menu:buy"), ("📋 My subscriptions", "menu:status"),
        ("📢 My channels", "menu:channels"), ("❓ Help", "menu:help"),
        ("🌐 Language", "menu:language"),
    ]  # fmt: skip
    row = await _user_row(container, user["id"])
    assert (row.first_name, row.last_name, row.username) == ("Anna", "Nowak", "anna")
    assert row.started_at is not None and row.bot_id == bot.id
    async with unit_of_work(container.sessions) as session:
        customer = await identity.find_or_create_customer(
            session, shop_id=bot.so.shop.id, kind="telegram", value=str(user["id"]),
            now=container.clock.now(),
        )  # fmt: skip
    assert customer.id == row.customer_id and customer.display_name == "Anna Nowak"


async def test_deep_links_keep_referral_promo_code_and_plan(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    first, second = tg_user(), tg_user()

    await deliver(client, bot, command_update(first, "start", "ref_x"))
    await deliver(client, bot, command_update(first, "start", "ref_later"))
    await deliver(client, bot, command_update(second, "start", "plan_gold__promo_spring25"))

    assert (await _user_row(container, first["id"])).referral_source == "x"  # first touch
    row = await _user_row(container, second["id"])
    assert (row.pending_plan, row.pending_promo_code) == ("gold", "SPRING25")
    reply = telegram.sent(second["id"])[0]["text"]
    assert "SPRING25" in reply and "tap Buy" in reply


async def test_the_users_telegram_language_picks_the_texts(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    russian, polish, german = (tg_user(language_code=c) for c in ("ru", "pl-PL", "de"))

    for user in (russian, polish, german):
        await deliver(client, bot, command_update(user, "start"))

    assert telegram.sent(russian["id"])[0]["text"].startswith("Здравствуйте, Anna!")
    assert telegram.sent(polish["id"])[0]["text"].startswith("Cześć, Anna!")
    assert telegram.sent(german["id"])[0]["text"].startswith("Hello, Anna!")  # shop: en


async def test_language_switches_later_replies(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user(language_code="en")

    await deliver(client, bot, command_update(user, "language"))
    picker = telegram.sent(user["id"])[-1]
    await deliver(client, bot, callback_update(user, "lang:ru"))
    await deliver(client, bot, command_update(user, "help"))

    assert picker["text"] == "Choose your language:"
    assert [data for _, data in _buttons(picker)] == ["lang:en", "lang:ru", "lang:pl"]
    saved, help_reply = telegram.sent(user["id"])[-2:]
    assert saved["text"] == "Готово: теперь я говорю по-русски."
    assert help_reply["text"].startswith("Lumen Club\n\n/start — главное меню")
    assert ("🌐 Язык", "menu:language") in _buttons(help_reply)
    assert (await _user_row(container, user["id"])).language == "ru"
    [toast] = telegram.calls_to("answerCallbackQuery")
    assert toast.params["text"] == "Готово: теперь я говорю по-русски."


async def test_language_command_with_a_code_switches_at_once(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user(language_code="ru")

    await deliver(client, bot, command_update(user, "language", "pl"))
    await deliver(client, bot, command_update(user, "start"))

    assert telegram.sent(user["id"])[-1]["text"].startswith("Cześć, Anna!")


async def test_a_shops_own_wording_is_used(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    texts_url = bot.so.url("/texts")
    put = await client.put(
        texts_url, headers=bot.so.owner.headers,
        json={"key": "start.greeting", "language": "ru", "text": "Привет, {name}! Это {shop}."},
    )  # fmt: skip
    assert put.status_code == 200, put.text
    russian, english = tg_user(language_code="ru"), tg_user(language_code="en")

    await deliver(client, bot, command_update(russian, "start"))
    await deliver(client, bot, command_update(english, "start"))

    assert telegram.sent(russian["id"])[0]["text"].startswith("Привет, Anna! Это Lumen Club.")
    assert telegram.sent(english["id"])[0]["text"].startswith("Hello, Anna!")


async def test_menu_buttons_answer(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()

    await deliver(client, bot, callback_update(user, "menu:help"))
    await deliver(client, bot, callback_update(user, "menu:later"))  # an item nobody answers yet

    assert telegram.sent(user["id"])[-1]["text"].startswith("Lumen Club\n\n/start")
    answers = [c.params.get("text") for c in telegram.calls_to("answerCallbackQuery")]
    assert answers == [None, "This is not available yet."]


async def test_a_user_who_blocks_the_bot_is_marked_and_unmarked(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    user = tg_user()
    bot_user = {"id": bot.fake.id, "is_bot": True, "first_name": "Lumen"}
    await deliver(client, bot, command_update(user, "start"))

    await deliver(client, bot, my_chat_member_update(user, bot_user, old="member", new="kicked"))
    blocked = await _user_row(container, user["id"])
    await deliver(client, bot, command_update(user, "start"))  # they came back

    assert blocked.blocked_at is not None
    assert (await _user_row(container, user["id"])).blocked_at is None


async def test_a_reply_refused_with_403_marks_the_user_blocked(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await deliver(client, bot, command_update(user, "help"))
    telegram.block(user["id"])

    response = await deliver(client, bot, command_update(user, "help"))

    assert response.status_code == 200
    assert (await _user_row(container, user["id"])).blocked_at is not None
