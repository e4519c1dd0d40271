"""Events the catalog publishes (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class ProductPublished(Event):
    """A product became visible to customers (storefront and bots may refresh their lists)."""

    name = "catalog.product_published.v1"
    key_field = "product_id"

    product_id: uuid.UUID
    shop_id: uuid.UUID
    kind: str


class StockDepleted(Event):
    """A stock-tracked SKU reached zero (staff may want to restock)."""

    name = "catalog.stock_depleted.v1"
    key_field = "variant_id"

    variant_id: uuid.UUID
    product_id: uuid.UUID
    shop_id: uuid.UUID
    sku: str
