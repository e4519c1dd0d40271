"""Events of warranty (topic `warranty-events`, key = the cart id); the cart publishes
`WarrantySelected` when a checked warranty becomes a cart item."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class WarrantySelected(Event):
    """A warranty went into a cart, covering the line `parent_item_id`."""

    name = "warranty.warranty_selected.v1"
    key_field = "cart_id"

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    item_id: uuid.UUID  # the warranty's cart item
    parent_item_id: uuid.UUID
    offer_id: uuid.UUID
    variant_id: uuid.UUID
    months: int
    quantity: int
    currency: str
    unit_price: int
