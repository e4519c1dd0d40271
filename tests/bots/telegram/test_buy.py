"""/buy in the shop's bot: offers, a promo code, the payment choice, a sandbox purchase."""

from __future__ import annotations

import functools
import uuid
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import payments
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramConversation
from shopkeeper.db import unit_of_work
from shopkeeper.kit.money import format_money
from shopkeeper.orders import OrderState
from tests.bots.telegram.conftest import Connected
from tests.bots.telegram.selling import (
    Chat,
    buttons,
    create_plan,
    customer_of,
    customer_orders,
    enable,
)
from tests.builders.promotions import create_promo_code
from tests.builders.subscriptions import drain, subscriptions_of
from tests.fakes.telegram import FakeTelegram, tg_user


def chat_with(client: AsyncClient, bot: Connected, telegram: FakeTelegram, **user: str) -> Chat:
    return Chat(client, bot, telegram, tg_user(**user))  # type: ignore[arg-type]


async def test_buy_lists_the_published_plans_with_their_prices(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    gold = await create_plan(container, bot)
    await create_plan(container, bot, name="Lumen Basic", prices={"EUR": 500}, unit="week")
    chat = chat_with(client, bot, telegram, language_code="en")

    listing = await chat.command("buy")

    assert listing["text"].splitlines() == [
        "Choose what you would like to buy:", "",
        "• Lumen Basic (for 1 week): €5.00",
        "• Lumen Gold (for 1 month): €10.00 · 500 ⭐",
    ]  # fmt: skip
    assert buttons(listing)[1] == ("Lumen Gold", f"bo:{gold.variants[0].id.hex}")


async def test_nothing_on_sale_is_said_in_the_users_language(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    chat = chat_with(client, bot, telegram, language_code="ru")

    await chat.deliver(_menu_buy(chat))

    assert chat.last()["text"] == "Сейчас ничего не продаётся. Загляните позже."


def _menu_buy(chat: Chat) -> dict:  # type: ignore[type-arg]
    from tests.fakes.telegram import callback_update

    return callback_update(chat.user, "menu:buy")


async def test_a_plan_bought_through_the_sandbox_page_becomes_active(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot)
    await enable(client, bot, "sandbox")
    chat = chat_with(client, bot, telegram, language_code="en")

    await chat.command("buy")
    await chat.press("Lumen Gold")
    card = chat.last()
    await chat.press("Continue")
    choice = chat.last()
    await chat.press("Test payment")
    link = chat.last()
    [(label, url)] = buttons(link)
    await payments.press_sandbox(container, payment_id=uuid.UUID(url.rsplit("/", 1)[1]),
                                 outcome="pay")  # fmt: skip
    await drain(container)

    assert card["text"].splitlines() == ["Lumen Gold", "For 1 month", "Price: €10.00 · 500 ⭐"]
    assert [text for text, _ in buttons(choice)] == [
        "⭐ Telegram Stars · 500 ⭐", "🧪 Test payment · €10.00", "⬅️ Back",
    ]  # fmt: skip
    [order] = await customer_orders(container, chat)
    assert link["text"] == f"Order {order.number}: €10.00.\nTap the button below to pay."
    assert label == "Pay €10.00" and url.startswith("https://shop.example/pay/")
    assert (order.state, order.currency, order.total) == (OrderState.PAID, "EUR", 1000)
    customer = await customer_of(container, chat)
    [subscription] = await subscriptions_of(container, shop=bot.so.shop, customer_id=customer)
    assert subscription.status == "active"


async def test_pressing_pay_twice_pays_one_order(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, prices={"EUR": 1000})
    await enable(client, bot, "sandbox")
    chat = chat_with(client, bot, telegram)
    await chat.command("buy")
    await chat.press("Lumen Gold")
    await chat.press("Continue")
    choice = chat.last()

    await chat.press("Test payment", message=choice)
    await chat.press("Test payment", message=choice)

    [order] = await customer_orders(container, chat)
    assert order.state is OrderState.PENDING


async def test_a_typed_promo_code_lowers_the_price_and_a_bad_one_is_explained(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram, clock
) -> None:  # type: ignore[no-untyped-def]
    await create_plan(container, bot, prices={"EUR": 1000})
    await enable(client, bot, "sandbox")
    await create_promo_code(container, shop=bot.so.shop, code="SPRING", percent_off_bp=2000)
    await create_promo_code(container, shop=bot.so.shop, code="GONE", percent_off_bp=1000,
                            valid_until=clock.now() - timedelta(days=1))  # fmt: skip
    chat = chat_with(client, bot, telegram, language_code="en")
    await chat.command("buy")
    await chat.press("Lumen Gold")

    await chat.press("Enter a promo code")
    prompt = chat.last()["text"]
    unknown = await chat.say("nope")
    await chat.press("Enter a promo code", message=unknown)
    used_up = await chat.say("gone")
    await chat.press("Enter a promo code", message=used_up)
    applied = await chat.say(" spring ")
    await chat.press("Continue", message=applied)
    await chat.press("Test payment")

    assert prompt == "Send me your promo code in a message."
    assert unknown["text"].endswith("Price: €10.00\n\nThere is no promo code NOPE.")
    assert used_up["text"].endswith("\n\nPromo code GONE has expired.")
    assert applied["text"].endswith("Price: €8.00 instead of €10.00\nPromo code SPRING applied.")
    [order] = await customer_orders(container, chat)
    assert (order.promo_code, order.discount, order.total) == ("SPRING", 200, 800)
    assert chat.last()["text"].startswith(f"Order {order.number}: €8.00.")


async def test_text_is_not_taken_for_a_code_unless_one_was_asked_for(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, prices={"EUR": 1000})
    chat = chat_with(client, bot, telegram)
    await chat.command("buy")
    await chat.press("Lumen Gold")
    before = len(telegram.sent(chat.id))

    await chat.deliver(_text(chat, "hello"))

    assert len(telegram.sent(chat.id)) == before
    async with unit_of_work(container.sessions) as session:
        row = (await session.execute(select(TelegramConversation))).scalar_one()
    assert (row.step, row.promo_code) == ("chosen", None)


def _text(chat: Chat, text: str) -> dict:  # type: ignore[type-arg]
    from tests.fakes.telegram import message_update

    return message_update(chat.user, text)


async def test_a_deep_link_opens_the_plan_with_its_promo_code(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan = await create_plan(container, bot, prices={"EUR": 1000})
    await create_promo_code(container, shop=bot.so.shop, code="FRIEND", percent_off_bp=1000)
    chat = chat_with(client, bot, telegram, language_code="pl")

    opened = await chat.command("start", f"plan_{plan.slug}__promo_friend")

    lines = opened["text"].splitlines()
    assert lines[0] == "Cześć, Anna! Witamy w Lumen Club."
    eur = functools.partial(format_money, currency="EUR", locale="pl")
    assert f"Cena: {eur(900)} zamiast {eur(1000)}" in lines
    assert "Kod promocyjny FRIEND został zastosowany." in lines
    assert [text for text, _ in buttons(opened)] == [
        "🎟 Wpisz kod promocyjny", "⬅️ Wstecz", "Dalej ➡️",
    ]  # fmt: skip


async def test_without_a_gateway_the_plan_cannot_be_paid_in_the_bot(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, prices={"EUR": 1000})  # no XTR price, no gateway enabled
    chat = chat_with(client, bot, telegram)
    await chat.command("buy")
    await chat.press("Lumen Gold")

    await chat.press("Continue")

    assert chat.last()["text"] == "Sorry, this cannot be paid in the bot yet."
    assert await customer_orders(container, chat) == []
