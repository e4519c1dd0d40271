"""Events published by the payments context (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class PaymentSucceeded(Event):
    """Money was captured. `applied` is False when the order could not take it (then refunded)."""

    name = "payments.payment_succeeded.v1"
    key_field = "order_id"

    payment_id: uuid.UUID
    order_id: uuid.UUID
    shop_id: uuid.UUID
    provider: str
    amount: int
    currency: str
    applied: bool


class PaymentFailed(Event):
    """A payment ended without money: `status` failed or canceled."""

    name = "payments.payment_failed.v1"
    key_field = "order_id"

    payment_id: uuid.UUID
    order_id: uuid.UUID
    shop_id: uuid.UUID
    provider: str
    status: str
    reason: str | None


class RefundSucceeded(Event):
    name = "payments.refund_succeeded.v1"
    key_field = "order_id"

    refund_id: uuid.UUID
    payment_id: uuid.UUID
    order_id: uuid.UUID
    shop_id: uuid.UUID
    provider: str
    amount: int
    currency: str
    source: str


class RecurringEnded(Event):
    """The provider's own subscription a payment started will charge no more (Stripe:
    customer.subscription.deleted). `reference` is that subscription's id."""

    name = "payments.recurring_ended.v1"
    key_field = "order_id"

    payment_id: uuid.UUID
    order_id: uuid.UUID
    shop_id: uuid.UUID
    provider: str
    reference: str
    reason: str | None
