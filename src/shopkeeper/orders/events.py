"""Events published by the orders context (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

from shopkeeper.bus import Event


class OrderEventLine(BaseModel):
    """What a line sold, as consumers (access, subscriptions, loyalty) need it."""

    model_config = ConfigDict(frozen=True)

    product_id: uuid.UUID
    variant_id: uuid.UUID
    kind: str
    quantity: int


class OrderPlaced(Event):
    name = "orders.order_placed.v1"
    key_field = "order_id"

    order_id: uuid.UUID
    shop_id: uuid.UUID
    number: str
    customer_id: uuid.UUID | None
    currency: str
    total: int
    source: str
    lines: tuple[OrderEventLine, ...]


class OrderPaid(Event):
    name = "orders.order_paid.v1"
    key_field = "order_id"

    order_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    currency: str
    total: int
    payment_id: uuid.UUID
    lines: tuple[OrderEventLine, ...]


class OrderFulfilled(Event):
    name = "orders.order_fulfilled.v1"
    key_field = "order_id"

    order_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None


class OrderCancelled(Event):
    """A pending order was cancelled by staff or expired unpaid (`reason` = "expired")."""

    name = "orders.order_cancelled.v1"
    key_field = "order_id"

    order_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    reason: str


class OrderRefunded(Event):
    name = "orders.order_refunded.v1"
    key_field = "order_id"

    order_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    refund_id: uuid.UUID
    amount: int
    currency: str
    fully_refunded: bool
