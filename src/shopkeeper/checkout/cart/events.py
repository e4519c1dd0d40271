"""Events published by the cart (topic `cart-events`, key = the cart id)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class _ItemEvent(Event):
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    version: int  # the cart's version after the change
    item_id: uuid.UUID
    type: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    parent_item_id: uuid.UUID | None


class CartItemAdded(_ItemEvent):
    """A new line (quantity: how many)."""

    name = "cart.item_added.v1"

    quantity: int


class CartItemRemoved(_ItemEvent):
    """A line went: removed by the shopper, or with its parent (`reason` = "parent_removed")."""

    name = "cart.item_removed.v1"

    quantity: int
    reason: str


class CartItemQuantityChanged(_ItemEvent):
    """A line's quantity changed (also when the same thing was added again)."""

    name = "cart.item_quantity_changed.v1"

    old_quantity: int
    quantity: int
