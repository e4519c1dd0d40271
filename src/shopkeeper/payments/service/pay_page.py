"""What the sandbox's hosted pay page shows about a payment (public: no staff access)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import orders
from shopkeeper.payments.errors import PaymentNotFound
from shopkeeper.payments.providers import DEFAULT_PROVIDER
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentStatus


class PayPage(BaseModel):
    payment_id: uuid.UUID
    status: PaymentStatus
    amount: int
    currency: str
    shop_name: str
    order_number: str
    return_url: str | None


async def pay_page(session: AsyncSession, *, payment_id: uuid.UUID) -> PayPage:
    """A sandbox payment as its customer sees it; any other payment is PaymentNotFound."""
    payment = await PaymentsRepository(session).payment(None, payment_id)
    if payment is None or payment.provider != DEFAULT_PROVIDER:
        raise PaymentNotFound()
    order = await orders.get_order(session, shop_id=payment.shop_id, order_id=payment.order_id)
    return PayPage(
        payment_id=payment.id, status=PaymentStatus(payment.status), amount=payment.amount,
        currency=payment.currency, shop_name=payment.shop_name, order_number=order.number,
        return_url=payment.return_url,
    )  # fmt: skip
