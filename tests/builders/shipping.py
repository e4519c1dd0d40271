"""Builders for checkout.shipping: shipping methods, made through the context's service."""

from __future__ import annotations

import uuid
from typing import Any

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.cache import cache_store
from shopkeeper.checkout import shipping
from shopkeeper.checkout.shipping import ShippingMethodCreate, ShippingMethodRead
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead


async def create_shipping_method(
    container: Container, *, shop: ShopRead, **fields: Any
) -> ShippingMethodRead:
    """A courier priced 15.00 PLN / 4.00 EUR unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "code": f"m-{uuid.uuid4().hex[:8]}",
        "name": "Courier",
        "kind": "courier",
        "prices": {"PLN": 1500, "EUR": 400},
    }
    values.update(fields)
    async with unit_of_work(container.sessions) as session:
        return await shipping.create_method(
            session,
            shop_id=shop.id,
            data=ShippingMethodCreate.model_validate(values),
            actor=Actor.system("tests"),
            now=container.clock.now(),
            cache=cache_store(container),
        )
