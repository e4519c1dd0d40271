"""What a payment's end means for its checkout: the attempt's status, the payment
sub-context's own events, and for a failure the order cancelled (its stock back) and the
cart opened again. Each step is idempotent: a redelivered event finds it done."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, orders, payments
from shopkeeper.checkout.payment import links
from shopkeeper.checkout.payment.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from shopkeeper.checkout.payment.models import CheckoutPaymentAttempt as Attempt
from shopkeeper.checkout.payment.repository import AttemptRepository
from shopkeeper.checkout.payment.schemas import AttemptStatus

FAILED_REASON = "payment failed"


def _facts(row: Attempt) -> dict[str, Any]:
    return {
        "transaction_id": row.id, "cart_id": row.cart_id, "shop_id": row.shop_id,
        "order_id": row.order_id, "method": row.method,
    }  # fmt: skip


async def _attempt(session: AsyncSession, shop_id: uuid.UUID, order_id: uuid.UUID,
                   payment_id: uuid.UUID, provider: str) -> Attempt | None:  # fmt: skip
    """The checkout attempt of a payment (None: the order is not a checkout's)."""
    row = await AttemptRepository(session).of_payment(shop_id, order_id, payment_id, provider)
    if row is not None and row.payment_id is None:
        row.payment_id = payment_id
    return row


async def record_success(
    session: AsyncSession, event: payments.PaymentSucceeded, now: datetime
) -> bool:
    """The money was taken for the order: the attempt succeeded (True: recorded now), and
    any other attempt still waiting is set aside (the order needs no more money)."""
    if not event.applied:  # the order could not take it: the payments core gives it back
        return False
    row = await _attempt(session, event.shop_id, event.order_id, event.payment_id, event.provider)
    if row is None or row.status == AttemptStatus.SUCCESS:
        return False
    row.status, row.error, row.updated_at = AttemptStatus.SUCCESS.value, None, now
    for other in await AttemptRepository(session).pending_of_order(event.shop_id, event.order_id):
        if other.id != row.id:  # e.g. cash on delivery chosen after this payment was opened
            other.status, other.updated_at = AttemptStatus.FAILED.value, now
            other.error = f"The order was paid by transaction {row.id}"
    bus.publish(
        session,
        PaymentSucceeded(**_facts(row), payment_id=event.payment_id, amount=event.amount,
                         currency=event.currency),
        now=now,
    )  # fmt: skip
    return True


async def record_failure(
    session: AsyncSession, event: payments.PaymentFailed, now: datetime
) -> bool:
    """The payment ended without money. When it was the order's newest attempt and the
    order still waits, the order is cancelled (stock and promo use back) and the cart opens
    again; an attempt already replaced by another method leaves the order alone."""
    row = await _attempt(session, event.shop_id, event.order_id, event.payment_id, event.provider)
    if row is None or row.status in (AttemptStatus.SUCCESS, AttemptStatus.REFUND):
        return False
    newest = await AttemptRepository(session).latest_of_order(event.shop_id, event.order_id)
    was_failed = row.status == AttemptStatus.FAILED
    row.status, row.updated_at = AttemptStatus.FAILED.value, now
    row.error = row.error or (event.reason or event.status)[:500]
    order = await orders.get_order(session, shop_id=event.shop_id, order_id=event.order_id)
    cancel = newest is not None and newest.id == row.id
    cancel = cancel and order.state == orders.OrderState.PENDING
    if cancel:
        await orders.cancel_order(
            session, shop_id=event.shop_id, order_id=event.order_id, reason=FAILED_REASON, now=now
        )
        await links.reopen(session, shop_id=event.shop_id, cart_id=row.cart_id, now=now)
    elif was_failed:
        return False  # told before (or set aside for another method): nothing more to say
    bus.publish(
        session,
        PaymentFailed(**_facts(row), payment_id=event.payment_id, reason=event.reason,
                      order_cancelled=cancel),
        now=now,
    )  # fmt: skip
    return True


async def record_refund(
    session: AsyncSession, event: payments.RefundSucceeded, now: datetime
) -> bool:
    """Money of the attempt went back (part or all)."""
    row = await _attempt(session, event.shop_id, event.order_id, event.payment_id, event.provider)
    if row is None:
        return False
    row.status, row.updated_at = AttemptStatus.REFUND.value, now
    bus.publish(
        session,
        PaymentRefunded(**_facts(row), payment_id=event.payment_id, refund_id=event.refund_id,
                        amount=event.amount, currency=event.currency),
        now=now,
    )  # fmt: skip
    return True
