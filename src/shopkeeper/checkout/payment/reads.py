"""Payment attempts as answers, and their status for the shopper who owns the cart."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import orders, payments
from shopkeeper.checkout.cart import CartOwner, owned_cart
from shopkeeper.checkout.payment.errors import PaymentAttemptNotFound
from shopkeeper.checkout.payment.models import CheckoutPaymentAttempt
from shopkeeper.checkout.payment.repository import AttemptRepository
from shopkeeper.checkout.payment.schemas import AttemptStatus, CheckoutPaymentRead

# The payments core's status → the attempt's, for a payment that has ended.
ENDED = {
    payments.PaymentStatus.SUCCEEDED: AttemptStatus.SUCCESS,
    payments.PaymentStatus.FAILED: AttemptStatus.FAILED,
    payments.PaymentStatus.CANCELED: AttemptStatus.FAILED,
    payments.PaymentStatus.REFUNDED: AttemptStatus.REFUND,
}


def attempt_read(
    row: CheckoutPaymentAttempt, status: AttemptStatus | None = None
) -> CheckoutPaymentRead:
    return CheckoutPaymentRead(
        transaction_id=row.id, order_id=row.order_id, method=row.method,
        status=status or AttemptStatus(row.status), redirect_url=row.redirect_url,
        error=row.error, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


async def latest_payment(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> CheckoutPaymentRead | None:
    """The order's newest payment attempt (None: none was started)."""
    row = await AttemptRepository(session).latest_of_order(shop_id, order_id)
    return None if row is None else attempt_read(row)


async def payment_status(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, transaction_id: uuid.UUID
) -> CheckoutPaymentRead:
    """The attempt as it stands, when the caller owns its cart (or its order); a pending
    one is checked against its payment now, as the consumers will record it."""
    row = await AttemptRepository(session).get(shop_id, transaction_id)
    if row is None or not await _owns(session, shop_id, owner, row):
        raise PaymentAttemptNotFound()
    if row.status != AttemptStatus.PENDING or row.payment_id is None:
        return attempt_read(row)
    payment = await payments.get_payment(session, shop_id=shop_id, payment_id=row.payment_id)
    return attempt_read(row, ENDED.get(payment.status))


async def _owns(
    session: AsyncSession, shop_id: uuid.UUID, owner: CartOwner, row: CheckoutPaymentAttempt
) -> bool:
    if await owned_cart(session, shop_id=shop_id, cart_id=row.cart_id, owner=owner) is not None:
        return True
    if owner.customer_id is None:  # a reopened cart may have joined the customer's open one
        return False
    order = await orders.get_order(session, shop_id=shop_id, order_id=row.order_id)
    return order.customer_id == owner.customer_id
