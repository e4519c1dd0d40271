"""Telegram Stars in the bot: invoice, pre-checkout, successful payment, renewals, refunds."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.orders import OrderState
from shopkeeper.payments import PaymentStatus
from tests.bots.telegram.conftest import Connected, connect
from tests.bots.telegram.selling import (
    Chat,
    create_plan,
    customer_of,
    customer_orders,
    order_payments,
)
from tests.builders.subscriptions import drain, subscriptions_of
from tests.fakes.telegram import FakeTelegram, tg_user


def chat_with(client: AsyncClient, bot: Connected, telegram: FakeTelegram) -> Chat:
    return Chat(client, bot, telegram, tg_user(language_code="en"))


async def stars_invoice(chat: Chat) -> dict:  # type: ignore[type-arg]
    """/buy → the plan → Continue → Telegram Stars: the invoice the bot sent."""
    await chat.command("buy")
    await chat.press("Lumen Gold")
    await chat.press("Continue")
    await chat.press("Telegram Stars")
    [invoice] = chat.telegram.calls_to("sendInvoice")
    return invoice.params


async def test_a_plan_bought_with_stars_is_paid_and_active(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, unit="month", count=3)  # not monthly: a one-off invoice
    chat = chat_with(client, bot, telegram)

    invoice = await stars_invoice(chat)
    query_id = await chat.pre_checkout(total_amount=500, payload=invoice["payload"])
    await chat.pay(total_amount=500, payload=invoice["payload"])
    await drain(container)

    assert invoice["chat_id"] == chat.id and invoice["currency"] == "XTR"
    assert invoice["prices"] == [{"label": invoice["prices"][0]["label"], "amount": 500}]
    assert not invoice.get("provider_token") and "subscription_period" not in invoice
    assert telegram.pre_checkout_answers[query_id]["ok"] is True
    [order] = await customer_orders(container, chat)
    assert (order.state, order.total, order.currency, order.source) == (
        OrderState.PAID, 500, "XTR", "telegram")  # fmt: skip
    assert chat.last()["text"].startswith(f"Thank you! Your payment for order {order.number}")
    [subscription] = await subscriptions_of(
        container, shop=bot.so.shop, customer_id=await customer_of(container, chat)
    )
    assert subscription.status == "active"


async def test_pre_checkout_refuses_what_is_not_a_payable_invoice_of_ours(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, unit="year")
    chat = chat_with(client, bot, telegram)
    invoice = await stars_invoice(chat)

    unknown = await chat.pre_checkout(total_amount=500, payload=str(uuid.uuid4()))
    garbage = await chat.pre_checkout(total_amount=500, payload="not-a-payment")
    cheaper = await chat.pre_checkout(total_amount=1, payload=invoice["payload"])
    other_currency = await chat.pre_checkout(
        total_amount=500, payload=invoice["payload"], currency="EUR"
    )
    fine = await chat.pre_checkout(total_amount=500, payload=invoice["payload"])

    answers = telegram.pre_checkout_answers
    for refused in (unknown, garbage):
        assert answers[refused]["ok"] is False
        assert answers[refused]["error_message"].startswith("This invoice is no longer valid")
    for changed in (cheaper, other_currency):
        assert answers[changed] == {
            "pre_checkout_query_id": changed, "ok": False,
            "error_message": "The price has changed. Please start again with /buy.",
        }  # fmt: skip
    assert answers[fine]["ok"] is True


async def test_pre_checkout_of_a_paid_or_expired_order_is_refused(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram, clock
) -> None:  # type: ignore[no-untyped-def]
    await create_plan(container, bot, unit="year")
    chat = chat_with(client, bot, telegram)
    paid = await stars_invoice(chat)
    await chat.pay(total_amount=500, payload=paid["payload"])
    await chat.press("Telegram Stars", message=_payment_choice(chat))
    late = telegram.calls_to("sendInvoice")[-1].params
    clock.advance(minutes=container.settings.order_ttl_minutes + 1)

    again = await chat.pre_checkout(total_amount=500, payload=paid["payload"])
    expired = await chat.pre_checkout(total_amount=500, payload=late["payload"])

    assert telegram.pre_checkout_answers[again]["error_message"].startswith(
        "This invoice is already paid"
    )
    assert telegram.pre_checkout_answers[expired]["error_message"].startswith(
        "This order can no longer be paid"
    )


def _payment_choice(chat: Chat) -> dict:  # type: ignore[type-arg]
    return next(m for m in reversed(chat.telegram.sent(chat.id))
                if m["text"].endswith("how would you like to pay?"))  # fmt: skip


async def test_the_same_charge_reported_twice_pays_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, unit="year")
    chat = chat_with(client, bot, telegram)
    invoice = await stars_invoice(chat)

    first = await chat.pay(total_amount=500, payload=invoice["payload"], charge_id="stxch_1")
    await chat.pay(total_amount=500, payload=invoice["payload"], charge_id="stxch_1")
    await chat.deliver(first)  # Telegram redelivers the very same update
    await drain(container)

    [order] = await customer_orders(container, chat)
    [payment] = await order_payments(container, order)
    assert (order.state, order.amount_paid) == (OrderState.PAID, 500)
    assert (payment.status, payment.amount_captured) == (PaymentStatus.SUCCEEDED, 500)
    thanks = [m for m in telegram.sent(chat.id) if m["text"].startswith("Thank you")]
    assert len(thanks) == 1


async def test_a_monthly_plan_becomes_a_stars_subscription_that_renews(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram, clock
) -> None:  # type: ignore[no-untyped-def]
    await create_plan(container, bot, unit="month")
    chat = chat_with(client, bot, telegram)
    await chat.command("buy")
    await chat.press("Lumen Gold")
    await chat.press("Continue")
    await chat.press("Telegram Stars")
    offer = chat.last()
    [link_call] = telegram.calls_to("createInvoiceLink")
    payload = link_call.params["payload"]

    await chat.pay(total_amount=500, payload=payload, charge_id="stxch_a", recurring="first")
    await drain(container)
    customer = await customer_of(container, chat)
    [first] = await subscriptions_of(container, shop=bot.so.shop, customer_id=customer)
    clock.advance(days=30)
    await chat.pay(total_amount=500, payload=payload, charge_id="stxch_b", recurring="renewal")
    await chat.pay(total_amount=500, payload=payload, charge_id="stxch_b", recurring="renewal")
    await drain(container)

    assert link_call.params["subscription_period"] == 30 * 24 * 3600
    assert not telegram.calls_to("sendInvoice")
    assert offer["text"].startswith("Order ") and "every month" in offer["text"]
    assert [url for _, url in _urls(offer)] == [link_call_result(telegram)]
    placed = await customer_orders(container, chat)
    assert [o.state for o in placed] == [OrderState.PAID, OrderState.PAID]
    assert placed[1].lines[0].variant_id == placed[0].lines[0].variant_id
    [renewed] = await subscriptions_of(container, shop=bot.so.shop, customer_id=customer)
    assert renewed.id == first.id and renewed.period_end > first.period_end
    assert (
        chat.last()["text"]
        == f"Thank you! Your subscription is renewed (order {placed[1].number})."
    )


def _urls(message: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    rows = message["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["url"]) for row in rows for b in row if "url" in b]


def link_call_result(telegram: FakeTelegram) -> str:
    """The invoice link the fake answered createInvoiceLink with (the button's URL)."""
    [message] = [m for m in telegram.sent() if "every month" in m["text"]]
    [(_, url)] = _urls(message)
    assert url.startswith("https://t.me/$")
    return url


async def test_a_stars_refund_through_the_api_calls_refund_star_payment(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, unit="year")
    chat = chat_with(client, bot, telegram)
    invoice = await stars_invoice(chat)
    await chat.pay(total_amount=500, payload=invoice["payload"], charge_id="stxch_refund_me")
    [order] = await customer_orders(container, chat)

    partial = await client.post(
        f"/api/v1/shops/{bot.so.shop.slug}/orders/{order.id}/refunds",
        json={"reason": "half", "amount": 200}, headers=bot.so.owner.headers,
    )  # fmt: skip
    whole = await client.post(
        f"/api/v1/shops/{bot.so.shop.slug}/orders/{order.id}/refunds",
        json={"reason": "changed my mind"}, headers=bot.so.owner.headers,
    )  # fmt: skip

    assert partial.status_code == 502 and "whole payment" in partial.text
    assert whole.status_code == 201, whole.text
    [call] = [c for c in telegram.calls_to("refundStarPayment") if c.ok]
    assert call.params == {"user_id": chat.id, "telegram_payment_charge_id": "stxch_refund_me"}
    assert telegram.charges["stxch_refund_me"]["refunded"] is True
    async with container.sessions() as session:
        refunded = await orders.get_order(session, shop_id=order.shop_id, order_id=order.id)
    assert refunded.state is OrderState.REFUNDED and refunded.amount_refunded == 500


async def test_one_renewal_charge_reported_concurrently_renews_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await create_plan(container, bot, unit="month")
    chat = chat_with(client, bot, telegram)
    await chat.command("buy")
    await chat.press("Lumen Gold")
    await chat.press("Continue")
    await chat.press("Telegram Stars")
    payload = telegram.calls_to("createInvoiceLink")[0].params["payload"]
    await chat.pay(total_amount=500, payload=payload, charge_id="stxch_1", recurring="first")

    renewal = telegram.successful_payment(chat.user, total_amount=500, payload=payload,
                                          charge_id="stxch_2")  # fmt: skip
    renewal["message"]["successful_payment"]["is_recurring"] = True
    copies = [dict(renewal, update_id=renewal["update_id"] + n) for n in range(1, 5)]
    await asyncio.gather(*(chat.deliver(copy) for copy in copies))
    await drain(container)

    placed = await customer_orders(container, chat)
    assert [o.state for o in placed] == [OrderState.PAID, OrderState.PAID]
    assert [len(await order_payments(container, o)) for o in placed] == [1, 1]


async def test_connecting_a_bot_lets_the_shop_take_stars_through_it(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    url = f"/api/v1/shops/{bot.so.shop.slug}/payments/gateways/telegram_stars"
    first = await client.get(url, headers=bot.so.owner.headers)
    second = telegram.add_bot("second_bot")
    await connect(client, bot.so, second)

    after_second = await client.get(url, headers=bot.so.owner.headers)
    audit = await client.get(f"/api/v1/shops/{bot.so.shop.slug}/audit",
                             headers=bot.so.owner.headers)  # fmt: skip

    assert first.status_code == 200, first.text
    assert first.json()["enabled"] is True
    assert first.json()["config"]["bot_token"] == "••••" + bot.fake.token[-4:]
    assert after_second.json()["config"] == first.json()["config"]  # the first bot's stays
    assert audit.status_code == 200, audit.text
    actions = [e["action"] for e in audit.json()["items"]]
    assert actions.count("payments.gateway_updated") == 1
