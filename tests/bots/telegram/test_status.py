"""/status: the customer's subscriptions, days left, Renew, cancel at period end and resume."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper import subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.formatting import local_date
from shopkeeper.db import unit_of_work
from tests.bots.telegram.conftest import Connected
from tests.bots.telegram.selling import Chat, buttons, create_plan, customer_of
from tests.builders.subscriptions import buy, only_subscription
from tests.fakes.telegram import FakeTelegram, callback_update, tg_user


async def _subscriber(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    language: str = "en",
) -> tuple[Chat, object]:  # fmt: skip
    chat = Chat(client, bot, telegram, tg_user(language_code=language))
    await chat.command("start")
    plan = await create_plan(container, bot, prices={"EUR": 1000})
    customer = await customer_of(container, chat)
    await buy(container, shop=bot.so.shop, plan=plan, customer_id=customer)
    return chat, plan


async def test_status_without_subscriptions_points_to_buy(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    chat = Chat(client, bot, telegram, tg_user(language_code="en"))

    await chat.deliver(callback_update(chat.user, "menu:status"))

    assert chat.last()["text"] == "You have no subscriptions yet. Choose a plan with /buy."


async def test_status_shows_the_end_and_days_left_and_cancel_then_resume_works(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat, _ = await _subscriber(client, container, bot, telegram)
    customer = await customer_of(container, chat)
    subscription = await only_subscription(container, shop=bot.so.shop, customer_id=customer)
    end = local_date(subscription.period_end, bot.so.shop.timezone, "en")
    async with unit_of_work(container.sessions) as session:
        [view] = await subscriptions.list_customer_subscriptions(
            session, shop_id=bot.so.shop.id, customer_id=customer, now=container.clock.now()
        )
    left = view.days_left

    shown = await chat.command("status")
    await chat.press("Cancel Lumen Gold at period end")
    cancelled = chat.last()
    after_cancel = await only_subscription(container, shop=bot.so.shop, customer_id=customer)
    await chat.press("Resume Lumen Gold")
    resumed = await only_subscription(container, shop=bot.so.shop, customer_id=customer)

    assert shown["text"] == (
        f"Your subscriptions:\n\nLumen Gold — active\nUntil {end} ({left} days left)"
    )
    assert 28 <= left <= 31
    assert [text for text, _ in buttons(shown)] == [
        "🔁 Renew Lumen Gold", "✖️ Cancel Lumen Gold at period end",
    ]  # fmt: skip
    assert after_cancel.cancel_at_period_end is True
    assert cancelled["text"].startswith(f"Done: Lumen Gold ends on {end} and will not be renewed.")
    assert "Cancels at period end: it will not be renewed." in cancelled["text"]
    assert ("▶️ Resume Lumen Gold", f"sa:{subscription.id.hex}:resume") in buttons(cancelled)
    assert resumed.cancel_at_period_end is False
    assert chat.last()["text"].startswith("Done: Lumen Gold continues.")


async def test_renew_opens_the_plans_card(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat, _ = await _subscriber(client, container, bot, telegram, language="ru")

    await chat.command("status")
    await chat.press("Продлить Lumen Gold")

    assert chat.last()["text"].startswith("Lumen Gold\nНа 1 месяц\nЦена: ")


async def test_someone_elses_subscription_cannot_be_cancelled(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    chat, _ = await _subscriber(client, container, bot, telegram)
    owner = await customer_of(container, chat)
    subscription = await only_subscription(container, shop=bot.so.shop, customer_id=owner)
    stranger = Chat(client, bot, telegram, tg_user(language_code="en"))

    await stranger.deliver(callback_update(stranger.user, f"sa:{subscription.id.hex}:cancel"))

    still = await only_subscription(container, shop=bot.so.shop, customer_id=owner)
    assert still.cancel_at_period_end is False
    [alert] = [c for c in telegram.calls_to("answerCallbackQuery") if c.params.get("show_alert")]
    assert alert.params["text"].startswith("Sorry, that did not work")
