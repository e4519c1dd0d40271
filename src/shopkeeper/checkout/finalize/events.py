"""Events of the checkout's finalisation (topic `checkout-events`, key = the cart id)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class _Finalised(Event):
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    order_id: uuid.UUID
    order_number: str


class OrderCreated(_Finalised):
    """The checkout placed its order (stock reserved, awaiting payment)."""

    name = "checkout.order_created.v1"

    currency: str
    total: int
    payment_method: str


class CheckoutCompleted(_Finalised):
    """The shopper confirmed the checkout: the cart became an order (its payment follows)."""

    name = "checkout.checkout_completed.v1"

    shipping_method: str | None
    delivery_date: str | None
    line_count: int
