"""A refund is a receipt: each one reaches the customer in their language over the first channel
that reaches them (email's subject from its first line), even after they opted out of
reminders and news; partial and full refunds say so, money an order could not take is told
too when it goes back, and a redelivered event sends nothing more."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper import bus, payments
from shopkeeper.bootstrap import Container
from shopkeeper.kit.money import format_money
from shopkeeper.notifications import register_messenger
from shopkeeper.orders import OrderRead
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner
from tests.builders.orders import create_sellable, place_order
from tests.builders.payments import refund, start
from tests.fakes.smtp import Mailbox
from tests.notifications.test_payment_messages import (
    StandIn,
    _customer,
    _customer_link,
    _log,
    mail_client,
    mailbox,
    mailing,
)

__all__ = ["mail_client", "mailbox", "mailing"]


async def _paid(container: Container, client: AsyncClient, shop: ShopRead, owner: Staff,
                customer_id: uuid.UUID) -> OrderRead:  # fmt: skip
    """An order of "Premium month" (12.00 EUR) paid on the sandbox page."""
    product = await create_sellable(container, shop=shop, price=1200, name="Premium month")
    order = await place_order(container, shop=shop, items=[(product, 1)], customer_id=customer_id)
    started = await start(client, shop=shop, staff=owner, order_id=order.id)
    await payments.press_sandbox(
        container, payment_id=uuid.UUID(started["payment_id"]), outcome="pay"
    )
    await bus.drain(container)
    return order


async def _refund(container: Container, client: AsyncClient, shop: ShopRead, owner: Staff,
                  order: OrderRead, amount: int | None = None) -> None:  # fmt: skip
    response = await refund(client, shop=shop, staff=owner, order_id=order.id, amount=amount)
    assert response.status_code == 201, response.text
    await bus.drain(container)


async def test_partial_then_full_refund_each_email_the_customer_who_opted_out(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client, name="Zagadka")
    customer = await _customer(mailing, shop, "email", "ola@example.com", language="pl")
    url = f"/api/v1/shops/{shop.slug}/customers/{customer.id}/notification-preferences"
    out = await mail_client.put(url, json={"opted_out": {"email": True}}, headers=owner.headers)
    assert out.status_code == 200, out.text
    order = await _paid(mailing, mail_client, shop, owner, customer.id)
    before = len(mailbox.to("ola@example.com"))  # the payment confirmation

    await _refund(mailing, mail_client, shop, owner, order, amount=400)
    await _refund(mailing, mail_client, shop, owner, order)
    await bus.drain(mailing)  # nothing left to deliver: nothing sent twice

    partial, full = mailbox.to("ola@example.com")[before:]
    four, eight = format_money(400, "EUR", "pl"), format_money(800, "EUR", "pl")
    assert partial["Subject"] == f"Zagadka: Zwrot {four} za zamówienie {order.number}"
    assert full["Subject"] == f"Zagadka: Zwrot {eight} za zamówienie {order.number}"
    partial_text = partial.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    full_text = full.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Zagadka zwrócił {four} za Premium month (zamówienie {order.number})." in partial_text
    assert "w całości" not in partial_text
    assert "Zamówienie zostało zwrócone w całości." in full_text
    assert full["List-Unsubscribe"] is None and "/u/" not in full_text  # a receipt
    rows = await _log(mailing, "order.refunded")
    assert sorted((r.channel, r.status, r.language) for r in rows) == [("email", "sent", "pl")] * 2


async def test_a_refund_reaches_a_telegram_customer_in_telegram(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client, name="Lumen Club")
    telegram = StandIn("telegram")
    register_messenger(mailing, telegram)
    customer = await _customer(mailing, shop, "telegram", "100200", language="en")
    await _customer_link(mailing, shop, customer.id, "email", "tom@example.com")
    order = await _paid(mailing, mail_client, shop, owner, customer.id)

    await _refund(mailing, mail_client, shop, owner, order)

    [message] = telegram.sent
    assert message.address == "100200" and message.required
    assert message.text == (
        f"Refund of €12.00 for order {order.number}\n\nLumen Club has refunded €12.00 for "
        f"Premium month (order {order.number}). The order is now fully refunded. The money goes "
        "back the way you paid."
    )
    assert [m["Subject"] for m in mailbox.to("tom@example.com")] == [
        f"Lumen Club: Payment received: €12.00 for order {order.number}"
    ]  # the refund went by Telegram, the first channel that reaches them


async def test_money_an_order_could_not_take_is_refunded_and_the_customer_told(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    shop, owner = await shop_with_owner(mailing, mail_client, name="Zagadka")
    customer = await _customer(mailing, shop, "email", "ivan@example.com", language="ru")
    product = await create_sellable(mailing, shop=shop, price=1500, name="Премиум")
    order = await place_order(mailing, shop=shop, items=[(product, 1)], customer_id=customer.id)
    started = await start(mail_client, shop=shop, staff=owner, order_id=order.id)
    cancel = await mail_client.post(
        f"/api/v1/shops/{shop.slug}/orders/{order.id}/cancel",
        json={"reason": "changed their mind"}, headers=owner.headers,
    )  # fmt: skip
    assert cancel.status_code == 200, cancel.text

    await payments.press_sandbox(  # paid after all: the order cannot take it, it goes back
        mailing, payment_id=uuid.UUID(started["payment_id"]), outcome="pay"
    )
    await bus.drain(mailing)
    await bus.drain(mailing)

    [receipt] = mailbox.to("ivan@example.com")
    amount = format_money(1500, "EUR", "ru")
    assert receipt["Subject"] == f"Zagadka: Возврат {amount} по заказу {order.number}"
    text = receipt.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Zagadka вернул {amount} за «Премиум» (заказ {order.number})." in text
    assert "полностью" not in text  # the order was never paid: nothing to say about it
    assert [(r.channel, r.status) for r in await _log(mailing, "order.refunded")] == [
        ("email", "sent")
    ]
    assert await _log(mailing, "payment_confirmation") == []
