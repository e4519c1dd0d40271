"""Sending an order's invoice to its customer again, when staff ask for it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity, invoices, orders, shops
from shopkeeper.audit import Actor
from shopkeeper.kit.money import format_money
from shopkeeper.notifications.errors import OrderHasNoCustomer
from shopkeeper.notifications.ports import Button, Messenger
from shopkeeper.notifications.repository import MessageRepository
from shopkeeper.notifications.schemas import MessageRead
from shopkeeper.notifications.service.sending import Notice, notify
from shopkeeper.notifications.templates import pick_language
from shopkeeper.settings import Settings

LINK_VALID_FOR = timedelta(days=30)
BUTTON_LABELS = {"en": "Download the invoice", "ru": "Скачать счёт", "pl": "Pobierz fakturę"}


async def send_invoice(
    session: AsyncSession,
    messengers: Sequence[Messenger],
    settings: Settings,
    *,
    shop_id: uuid.UUID,
    order_id: uuid.UUID,
    request_key: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> MessageRead:
    """The invoice's download link (valid 30 days) over the first channel that reaches the
    customer, even one they opted out of (it is their receipt). One message per
    `request_key`: a form sent twice sends once. InvoiceNotFound until the order is paid."""
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    if order.customer_id is None:
        raise OrderHasNoCustomer()
    invoice = await invoices.get_order_invoice(session, shop_id=shop_id, order_id=order_id)
    if invoice is None:
        raise invoices.InvoiceNotFound()
    dedupe_key = f"order.invoice:{invoice.id}:{request_key}"
    if (sent := await MessageRepository(session).by_dedupe_key(shop_id, dedupe_key)) is not None:
        return MessageRead.model_validate(sent)
    notice = await _notice(session, settings, order, invoice, dedupe_key, now)
    message = await notify(session, messengers, notice, now=now)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="order.invoice_sent", target_type="order",
        target_id=order.id, before=None,
        after={"invoice": invoice.number, "channel": message.channel, "status": message.status},
        now=now,
    )  # fmt: skip
    return message


async def _notice(
    session: AsyncSession,
    settings: Settings,
    order: orders.OrderRead,
    invoice: invoices.InvoiceRead,
    dedupe_key: str,
    now: datetime,
) -> Notice:
    assert order.customer_id is not None
    shop = await shops.get_shop_by_id(session, shop_id=order.shop_id)
    customer = await identity.get_customer(
        session, shop_id=order.shop_id, customer_id=order.customer_id
    )
    language = pick_language(customer.language)
    url = invoices.invoice_link(settings, invoice.id, now + LINK_VALID_FOR)
    variables = {
        "shop": shop.name, "order_number": order.number, "invoice_number": invoice.number,
        "amount": format_money(invoice.amount, invoice.currency, language), "url": url,
    }  # fmt: skip
    buttons = (Button(BUTTON_LABELS[language], url=url),) if url.startswith("http") else ()
    return Notice(
        shop_id=order.shop_id, customer_id=customer.id, purpose="order.invoice",
        variables=variables, dedupe_key=dedupe_key, buttons=buttons, required=True,
    )  # fmt: skip
