"""Telegram Stars in the chat: answer pre_checkout_query, record successful_payment.

A pre-checkout query is always answered (Telegram gives 10 seconds): ok only for a pending
Stars payment of this shop whose amount, currency and order still hold. A successful
payment is applied in the update's transaction; the thanks goes back at once, the access
arrives later through notifications when the grant is made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from aiogram import Router
from aiogram.methods import TelegramMethod
from aiogram.types import Message, PreCheckoutQuery
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import payments
from shopkeeper.bots.telegram.filters import successful_payment
from shopkeeper.bots.telegram.service import stars
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.shops import ShopRead

log = structlog.get_logger(__name__)


def router() -> Router:
    router = Router(name="payments")
    router.pre_checkout_query.register(on_pre_checkout)
    router.message.register(on_successful_payment, successful_payment)
    return router


async def on_pre_checkout(
    query: PreCheckoutQuery, session: AsyncSession, shop: ShopRead, texts: Texts, now: datetime
) -> TelegramMethod[Any]:
    try:
        refusal = await stars.pre_checkout(
            session, shop_id=shop.id, payload=query.invoice_payload, currency=query.currency,
            total_amount=query.total_amount, now=now,
        )  # fmt: skip
    except Exception:  # never leave Telegram (and the customer) waiting for an answer
        log.exception("telegram.pre_checkout_failed", payload=query.invoice_payload)
        refusal = "pay.invoice_unknown"
    if refusal is not None:
        log.info("telegram.pre_checkout_refused", payload=query.invoice_payload, why=refusal)
        return query.answer(ok=False, error_message=texts(refusal))
    return query.answer(ok=True)


async def on_successful_payment(
    message: Message, session: AsyncSession, shop: ShopRead, texts: Texts, now: datetime
) -> TelegramMethod[Any] | None:
    paid = message.successful_payment
    if paid is None or message.from_user is None:
        return None
    try:
        recorded = await stars.record_charge(
            session, shop_id=shop.id, paid=paid, payer_id=message.from_user.id, now=now
        )
    except (payments.PaymentNotFound, payments.WebhookMalformed):
        log.error("telegram.stars_payment_unmatched", payload=paid.invoice_payload,
                  charge=paid.telegram_payment_charge_id)  # fmt: skip
        return message.answer(texts("pay.unmatched"))
    if recorded.order_number is None:  # this charge was reported before
        return None
    key = "pay.renewed" if recorded.renewal else "pay.thanks"
    return message.answer(texts(key, number=recorded.order_number))
