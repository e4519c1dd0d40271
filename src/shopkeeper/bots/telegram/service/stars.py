"""Telegram Stars payments as the bot sees them: the pre-checkout question, the paid charge.

`pre_checkout` says whether an invoice may still be paid (only reads: Telegram waits at most
10 seconds for the answer). `record_charge` turns `successful_payment` into the payments
context's fact in the update's transaction: the first charge pays the invoice's order; a
charge already booked (the same charge reported twice) changes nothing; a Stars
subscription's renewal charge pays a new order of the same plan, so the subscription
extends; any other charge on a paid invoice is booked on its order and refunded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog
from aiogram.types import SuccessfulPayment
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import orders, payments
from shopkeeper.bots.telegram.service.checkout import STARS_GATEWAY

log = structlog.get_logger(__name__)
CAPTURED = (payments.PaymentStatus.SUCCEEDED, payments.PaymentStatus.REFUNDED)


@dataclass(frozen=True)
class Recorded:
    """What a successful_payment did: `order_number` paid, as a renewal or not, or nothing."""

    order_number: str | None
    renewal: bool = False


async def pre_checkout(
    session: AsyncSession, *, shop_id: uuid.UUID, payload: str, currency: str,
    total_amount: int, now: datetime,
) -> str | None:  # fmt: skip
    """None when the invoice may be paid now; else the text key saying why not."""
    try:
        payment = await payments.get_payment(
            session, shop_id=shop_id, payment_id=uuid.UUID(payload)
        )
    except (ValueError, payments.PaymentNotFound):
        return "pay.invoice_unknown"
    if payment.provider != STARS_GATEWAY:
        return "pay.invoice_unknown"
    if payment.status is not payments.PaymentStatus.PENDING:
        return "pay.invoice_used"
    if payment.amount != total_amount or payment.currency != currency.upper():
        return "pay.invoice_changed"
    order = await orders.get_order(session, shop_id=shop_id, order_id=payment.order_id)
    if order.state is not orders.OrderState.PENDING or (
        order.expires_at is not None and order.expires_at <= now
    ):
        return "pay.order_closed"
    if order.total - order.amount_paid != payment.amount:
        return "pay.invoice_changed"
    return None


async def record_charge(
    session: AsyncSession, *, shop_id: uuid.UUID, paid: SuccessfulPayment, payer_id: int,
    now: datetime,
) -> Recorded:  # fmt: skip
    """Apply one successful_payment (PaymentNotFound / WebhookMalformed: not our invoice)."""
    event = payments.stars_succeeded_event(
        payload=paid.invoice_payload, charge_id=paid.telegram_payment_charge_id,
        payer_user_id=payer_id, total_amount=paid.total_amount, currency=paid.currency,
        is_recurring=bool(paid.is_recurring),
    )  # fmt: skip
    assert event.payment_id is not None
    payment = await payments.get_payment(session, shop_id=shop_id, payment_id=event.payment_id)
    if payment.status not in CAPTURED:
        await payments.record_events(
            session, shop_id=shop_id, provider=STARS_GATEWAY, events=[event], now=now
        )
        return Recorded(await _number(session, shop_id, payment.order_id))
    if await payments.charge_is_booked(
        session, shop_id=shop_id, provider=STARS_GATEWAY, payment_id=payment.id, event=event
    ):
        log.info("telegram.stars_charge_duplicate", charge=paid.telegram_payment_charge_id)
        return Recorded(None)
    # A renewal pays a new order of the plan; when none can be placed, the charge is booked on
    # the first order, which refuses a second payment, and the money is refunded.
    renewal = await payments.renewal_order(
        session, shop_id=shop_id, order_id=payment.order_id, now=now
    ) if paid.is_recurring else None  # fmt: skip
    order_id = renewal or payment.order_id
    await payments.record_charge(
        session, shop_id=shop_id, provider=STARS_GATEWAY, order_id=order_id, event=event, now=now
    )
    return Recorded(await _number(session, shop_id, order_id), renewal=renewal is not None)


async def _number(session: AsyncSession, shop_id: uuid.UUID, order_id: uuid.UUID) -> str:
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    return order.number
