"""Refunds asked through the API (or automatically): checked and reserved, then completed.

A refund is reserved first (a pending row counted against what remains, under the payment's
row lock), sent to the provider outside any transaction, then completed with its answer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, orders
from shopkeeper.audit import Actor
from shopkeeper.payments.errors import (
    NothingToRefund,
    PaymentNotFound,
    RefundExceedsRemaining,
    RefundOutdated,
    RefundsNotSupported,
)
from shopkeeper.payments.models import Payment, Refund
from shopkeeper.payments.providers import provider_class
from shopkeeper.payments.providers.base import PaymentHandle, RefundStart, RefundStatus
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import CAPTURED, PaymentStatus, RefundRead, RefundSource
from shopkeeper.payments.service.settlement import Settlement


@dataclass(frozen=True)
class RefundPlan:
    """A reserved refund, ready to be sent to the provider."""

    refund_id: uuid.UUID
    shop_id: uuid.UUID
    provider: str
    amount: int
    reason: str
    payment: PaymentHandle


def handle(payment: Payment) -> PaymentHandle:
    return PaymentHandle(
        payment_id=payment.id, order_id=payment.order_id, amount=payment.amount,
        currency=payment.currency, amount_captured=payment.amount_captured,
        provider_payment_id=payment.provider_payment_id,
        provider_reference=payment.provider_reference,
    )  # fmt: skip


async def _refundable(repo: PaymentsRepository, payment: Payment) -> int:
    """Captured − refunded − refunds in flight."""
    refunds = await repo.refunds_of_payment(payment.id)
    in_flight = sum(r.amount for r in refunds if r.status == "pending")
    return payment.amount_captured - payment.amount_refunded - in_flight


async def refundable_amount(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> int:
    """What a refund of the order may still give back now (0: nothing, or no payment)."""
    repo = PaymentsRepository(session)
    payment = await repo.applied_payment(shop_id, order_id)
    if payment is None or PaymentStatus(payment.status) not in CAPTURED:
        return 0
    return max(await _refundable(repo, payment), 0)


async def _reserve(
    session: AsyncSession, payment: Payment, *, amount: int, source: RefundSource, reason: str,
    now: datetime,
) -> RefundPlan:  # fmt: skip
    if not provider_class(payment.provider).supports_refunds:
        raise RefundsNotSupported(payment.provider)
    settlement = Settlement(session, shop_id=payment.shop_id, provider=payment.provider, now=now)
    refund = await settlement.new_refund(payment, amount=amount, source=source, reason=reason)
    return RefundPlan(refund_id=refund.id, shop_id=payment.shop_id, provider=payment.provider,
                      amount=amount, reason=reason, payment=handle(payment))  # fmt: skip


async def open_refund(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, amount: int | None,
    reason: str, actor: Actor, now: datetime, expected_remaining: int | None = None,
) -> RefundPlan:  # fmt: skip
    """Reserve a refund of the order's payment: `amount`, or all that remains. With
    `expected_remaining` (what remained when staff chose the amount) a refund made meanwhile
    (a form sent twice, a colleague) is RefundOutdated instead of a second refund."""
    await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    repo = PaymentsRepository(session)
    payment = await repo.applied_payment(shop_id, order_id, lock=True)
    if payment is None or PaymentStatus(payment.status) not in CAPTURED:
        raise NothingToRefund()
    remaining = await _refundable(repo, payment)
    if expected_remaining is not None and expected_remaining != remaining:
        raise RefundOutdated(remaining=max(remaining, 0), currency=payment.currency)
    if amount is not None and amount > remaining:
        raise RefundExceedsRemaining(
            remaining=max(remaining, 0), asked=amount, currency=payment.currency
        )
    if remaining <= 0:
        raise NothingToRefund()
    plan = await _reserve(session, payment, amount=amount or remaining, source=RefundSource.STAFF,
                          reason=reason, now=now)  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="payments.refund_requested",
        target_type="order", target_id=order_id,
        after={"refund_id": plan.refund_id, "payment_id": payment.id, "amount": plan.amount,
               "currency": payment.currency, "reason": reason}, now=now,
    )  # fmt: skip
    return plan


async def open_automatic_refund(
    session: AsyncSession, *, shop_id: uuid.UUID, payment_id: uuid.UUID, now: datetime
) -> RefundPlan | None:
    """Reserve the refund of money the order could not take (None: nothing left to send)."""
    repo = PaymentsRepository(session)
    payment = await repo.payment(shop_id, payment_id, lock=True)
    if payment is None:
        raise PaymentNotFound()
    if payment.applied or not payment.flag or PaymentStatus(payment.status) not in CAPTURED:
        return None
    remaining = await _refundable(repo, payment)
    if remaining <= 0:
        return None
    return await _reserve(session, payment, amount=remaining, source=RefundSource.AUTOMATIC,
                          reason=f"automatic: {payment.flag}", now=now)  # fmt: skip


async def finish_refund(
    session: AsyncSession, *, plan: RefundPlan, result: RefundStart | None, error: str | None,
    now: datetime,
) -> RefundRead:  # fmt: skip
    """Record the provider's answer; a succeeded refund is booked at once."""
    repo = PaymentsRepository(session)
    payment = await repo.payment(plan.shop_id, plan.payment.payment_id, lock=True)
    refund = await repo.refund(plan.refund_id, shop_id=plan.shop_id)
    if payment is None or refund is None:
        raise PaymentNotFound()
    if result is None:
        if refund.status == "pending":
            refund.status, refund.error = "failed", (error or "the provider refused")[:500]
        return RefundRead.model_validate(refund)
    await _adopt_provider_id(repo, refund, result.provider_refund_id)
    if refund.status == "pending":
        if result.status is RefundStatus.SUCCEEDED:
            settlement = Settlement(session, shop_id=plan.shop_id, provider=plan.provider, now=now)
            await settlement.complete_refund(payment, refund)
        elif result.status is RefundStatus.FAILED:
            refund.status, refund.error = "failed", "the provider declined the refund"
    return RefundRead.model_validate(refund)


async def _adopt_provider_id(
    repo: PaymentsRepository, refund: Refund, provider_refund_id: str
) -> None:
    """Keep the provider's id, unless its notification already recorded it as another refund."""
    if refund.provider_refund_id:
        return
    other = await repo.refund_by_provider_id(refund.shop_id, refund.provider, provider_refund_id)
    if other is not None and other.id != refund.id:
        refund.status = "failed"
        refund.error = f"recorded from the provider's notification as refund {other.id}"
        return
    refund.provider_refund_id = provider_refund_id[:128]
