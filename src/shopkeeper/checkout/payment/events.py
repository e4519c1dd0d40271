"""Events of the checkout's payment (topic `payment-events`, key = the cart id)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class PaymentMethodSelected(Event):
    """The shopper chose how to pay (the session's version after the change)."""

    name = "payment.payment_method_selected.v1"
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    version: int
    method: str
    kind: str  # "online" | "cod"


class _AttemptEvent(Event):
    key_field = "cart_id"

    transaction_id: uuid.UUID  # the attempt's id, shown to the shopper
    cart_id: uuid.UUID
    shop_id: uuid.UUID
    order_id: uuid.UUID
    method: str


class PaymentInitialized(_AttemptEvent):
    """A payment attempt started: the gateway's page to send the shopper to, if any."""

    name = "payment.payment_initialized.v1"

    payment_id: uuid.UUID | None  # the payments core's; None for cash on delivery
    redirect_url: str | None


class PaymentPending(_AttemptEvent):
    """The attempt waits for the money: the shopper at the gateway, or the courier (cod)."""

    name = "payment.payment_pending.v1"

    payment_id: uuid.UUID | None


class PaymentSucceeded(_AttemptEvent):
    name = "payment.payment_succeeded.v1"

    payment_id: uuid.UUID
    amount: int
    currency: str


class PaymentFailed(_AttemptEvent):
    """The attempt ended without money; `order_cancelled`: its order was cancelled (stock
    back) and the cart opened again, else the shopper may start another attempt."""

    name = "payment.payment_failed.v1"

    payment_id: uuid.UUID | None
    reason: str | None
    order_cancelled: bool


class PaymentRefunded(_AttemptEvent):
    name = "payment.payment_refunded.v1"

    payment_id: uuid.UUID
    refund_id: uuid.UUID
    amount: int
    currency: str
