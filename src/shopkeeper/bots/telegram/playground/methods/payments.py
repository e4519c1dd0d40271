"""Payments: invoices in a chat or as a link, pre-checkout answers, Stars refunds.

The playground page pays an invoice (pre_checkout_query, then successful_payment); a Stars
charge it records can be refunded once with refundStarPayment, as on Telegram.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.playground.calls import Call, method
from shopkeeper.bots.telegram.playground.methods.messages import (
    reply_markup,
    store_answer,
    store_message,
    writable_chat,
)
from shopkeeper.bots.telegram.playground.models import PlaygroundInvoice
from shopkeeper.bots.telegram.playground.wire import bad_request
from shopkeeper.kit.ids import new_id

STARS = "XTR"
LIMITS = {"title": 32, "description": 255, "payload": 128}


def _invoice(call: Call, chat_id: int | None) -> PlaygroundInvoice:
    """The invoice a call describes, checked as Telegram checks it."""
    params = call.params
    for name, limit in LIMITS.items():
        value = params.text(name) or ""
        if not value:
            raise bad_request("PAYLOAD_EMPTY" if name == "payload" else f"{name} is empty")
        if len(value.encode() if name == "payload" else value) > limit:
            raise bad_request(
                "INVOICE_PAYLOAD_INVALID" if name == "payload" else f"{name.upper()}_INVALID"
            )
    prices, currency = params.json("prices"), (params.text("currency") or "").upper()
    if not isinstance(prices, list) or not prices or not all(isinstance(p, dict) for p in prices):
        raise bad_request("can't parse prices JSON object")
    if currency == STARS and (len(prices) != 1 or params.text("provider_token")):
        raise bad_request("STARS_INVOICE_INVALID")
    if currency != STARS and not params.text("provider_token"):
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    try:
        total = sum(int(price["amount"]) for price in prices)
    except (KeyError, TypeError, ValueError):
        raise bad_request("can't parse prices JSON object") from None
    if total <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return PlaygroundInvoice(
        id=new_id(),
        shop_id=call.bot.shop_id,
        playground_bot_id=call.bot.id,
        chat_id=chat_id,
        title=params.text("title"),
        description=params.text("description"),
        payload=params.text("payload"),
        currency=currency,
        total_amount=total,
        subscription_period=params.integer("subscription_period"),
        created_at=call.now,
    )


def _store(call: Call, invoice: PlaygroundInvoice) -> None:
    async def write(session: AsyncSession) -> None:
        session.add(invoice)

    call.write(write)


@method("sendInvoice")
async def send_invoice(call: Call) -> Any:
    chat = await writable_chat(call, call.params.chat_id())
    invoice = _invoice(call, chat["id"])
    markup = reply_markup(call)
    rows = (markup or {}).get("inline_keyboard") or []
    if rows and "pay" not in rows[0][0]:
        raise bad_request("the first button must be a Pay button")  # Telegram's rule
    _store(call, invoice)
    content = {
        "title": invoice.title,
        "description": invoice.description,
        "start_parameter": call.params.text("start_parameter") or "",
        "currency": invoice.currency,
        "total_amount": invoice.total_amount,
    }
    return store_message(call, chat, markup=markup, invoice_id=invoice.id, invoice=content)


@method("createInvoiceLink")
async def create_invoice_link(call: Call) -> Any:
    invoice = _invoice(call, None)
    invoice.slug = secrets.token_urlsafe(16)
    _store(call, invoice)
    return f"https://t.me/${invoice.slug}"


@method("answerPreCheckoutQuery")
async def answer_pre_checkout_query(call: Call) -> Any:
    query_id = call.params.text("pre_checkout_query_id") or ""
    if not query_id:
        raise bad_request("QUERY_ID_INVALID")
    ok = call.params.flag("ok")
    error = call.params.text("error_message")
    if not ok and not error:
        raise bad_request("ERROR_MESSAGE_EMPTY")
    store_answer(call, "pre_checkout", query_id, ok=ok, text=None if ok else error)
    return True


@method("refundStarPayment")
async def refund_star_payment(call: Call) -> Any:
    charge_id = call.params.text("telegram_payment_charge_id") or ""
    invoice = await call.repo.invoice_by_charge(call.bot.id, charge_id) if charge_id else None
    if invoice is None or invoice.paid_by != call.params.user_id():
        raise bad_request("CHARGE_NOT_FOUND")
    if invoice.refunded_at is not None:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    invoice_id, now = invoice.id, call.now

    async def write(session: AsyncSession) -> None:
        found = await session.get(PlaygroundInvoice, invoice_id)
        if found is not None and found.refunded_at is None:
            found.refunded_at = now

    call.write(write)
    return True
