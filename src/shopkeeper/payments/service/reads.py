"""Reading payments, refunds and an order's ledger."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.payments.errors import PaymentNotFound
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import (
    LedgerEntryRead,
    LedgerKind,
    OrderLedger,
    PaymentRead,
    RefundRead,
)


async def list_payments(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> list[PaymentRead]:
    rows = await PaymentsRepository(session).payments_for_order(shop_id, order_id)
    return [PaymentRead.model_validate(r) for r in rows]


async def get_payment(
    session: AsyncSession, *, shop_id: uuid.UUID, payment_id: uuid.UUID
) -> PaymentRead:
    row = await PaymentsRepository(session).payment(shop_id, payment_id)
    if row is None:
        raise PaymentNotFound()
    return PaymentRead.model_validate(row)


async def list_refunds(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> list[RefundRead]:
    rows = await PaymentsRepository(session).refunds_for_order(shop_id, order_id)
    return [RefundRead.model_validate(r) for r in rows]


async def order_ledger(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> OrderLedger:
    """The order's money movements; `captured` = payments − refunds (never negative)."""
    entries = [
        LedgerEntryRead.model_validate(e)
        for e in await PaymentsRepository(session).ledger(shop_id, order_id)
    ]
    sums = {kind: sum(e.amount for e in entries if e.kind is kind) for kind in LedgerKind}
    return OrderLedger(
        order_id=order_id,
        payments=sums[LedgerKind.PAYMENT],
        refunds=-sums[LedgerKind.REFUND],
        fees=-sums[LedgerKind.FEE],
        captured=sums[LedgerKind.PAYMENT] + sums[LedgerKind.REFUND],
        entries=entries,
    )
