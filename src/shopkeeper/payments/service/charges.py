"""Charges a provider made on its own, beyond the payment we opened (Telegram Stars).

A Stars subscription charges again every period with the first invoice's payload, and an
invoice link may be paid twice; each such charge names a payment already captured. The
caller asks `charge_is_booked` (which locks that payment, so concurrent reports of one
subscription queue up) and, for a new charge, books it with `record_charge` as a payment of
its own — of a renewal order the caller placed, or of the original order, whose refusal of
a second payment flags the money for the automatic refund.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, orders
from shopkeeper.audit import Actor
from shopkeeper.kit.ids import new_id
from shopkeeper.payments.errors import PaymentNotFound
from shopkeeper.payments.models import Payment
from shopkeeper.payments.providers.base import EventKind, PaymentEvent
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentRead, PaymentStatus
from shopkeeper.payments.service.settlement import Settlement


async def charge_is_booked(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, payment_id: uuid.UUID,
    event: PaymentEvent,
) -> bool:  # fmt: skip
    """Whether the charge `event` states is already booked, on `payment_id` or on its own."""
    repo = PaymentsRepository(session)
    payment = await repo.payment(shop_id, payment_id, lock=True)
    if payment is None or payment.provider != provider:
        raise PaymentNotFound()
    if event.reference and payment.provider_reference == event.reference:
        return True
    return await repo.payment_by_refs(shop_id, provider, event.provider_refs) is not None


async def record_charge(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, order_id: uuid.UUID,
    event: PaymentEvent, now: datetime,
) -> PaymentRead:  # fmt: skip
    """Book a succeeded charge as a new payment of `order_id` (its first ref as the id)."""
    if event.kind is not EventKind.SUCCEEDED or not event.provider_refs:
        raise ValueError("record_charge takes a succeeded fact naming the provider's charge")
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    payment = await book_charge(
        session, shop_id=shop_id, provider=provider, order=order, event=event,
        action="payments.charge_recorded", now=now,
    )  # fmt: skip
    settlement = Settlement(session, shop_id=shop_id, provider=provider, now=now)
    await settlement.record([dataclasses.replace(event, payment_id=payment.id)])
    return PaymentRead.model_validate(payment)


async def book_charge(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, order: orders.OrderRead,
    event: PaymentEvent, action: str, now: datetime, renews: uuid.UUID | None = None,
) -> Payment:  # fmt: skip
    """A pending payment of `order` for the provider's charge (its first ref), audited; the
    caller settles it with the fact."""
    amount = event.amount if event.amount is not None else order.total - order.amount_paid
    payment = Payment(
        id=new_id(), shop_id=shop_id, order_id=order.id, provider=provider,
        status=PaymentStatus.PENDING.value, amount=amount,
        currency=(event.currency or order.currency).upper(), amount_captured=0,
        amount_refunded=0, provider_payment_id=event.provider_refs[0][:128],
        description=f"order {order.number}"[:300], recurring=True, applied=False,
        created_at=now, updated_at=now,
    )  # fmt: skip
    PaymentsRepository(session).add(payment)
    await session.flush()
    after = {"order_id": order.id, "amount": amount, "currency": payment.currency,
             "charge": event.provider_refs[0]}  # fmt: skip
    if renews is not None:
        after["renews"] = renews
    await audit.record(
        session, actor=Actor.system(provider), shop_id=shop_id, action=action,
        target_type="payment", target_id=payment.id, after=after, now=now,
    )  # fmt: skip
    return payment
