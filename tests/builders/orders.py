"""Builders for the orders context: sellable products, customers, placed and paid orders.

Products come from the catalog builders (`create_sellable` adds a price and a tax rate in one
call); orders are made through the orders service, each in its own committed unit of work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from shopkeeper import catalog, identity, orders
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerRead
from shopkeeper.orders import OrderItemIn, OrderRead
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_product, create_tax_class


async def create_sellable(
    container: Container,
    *,
    shop: ShopRead,
    price: int = 1000,
    currency: str = "EUR",
    kind: str = "digital",
    stock: int | None = None,
    tax_rate_bp: int | None = None,
    name: str | None = None,
    prices: Sequence[tuple[str, int]] = (),
) -> ProductRead:
    """A published product with one variant priced `price` in `currency` (plus `prices`),
    taxed at `tax_rate_bp` through a tax class of its own when given."""
    tax_class_id = None
    if tax_rate_bp is not None:
        tax_class_id = (await create_tax_class(container, shop=shop, rate_bp=tax_rate_bp)).id
    return await create_product(
        container, shop=shop, kind=kind, name=name, stock=stock, tax_class_id=tax_class_id,
        prices={currency: price, **dict(prices)},
    )  # fmt: skip


def variant_id(product: ProductRead) -> uuid.UUID:
    return product.variants[0].id


async def create_customer(container: Container, *, shop: ShopRead) -> CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value=f"c-{uuid.uuid4().hex[:8]}@example.com",
            now=container.clock.now(),
        )  # fmt: skip


async def place_order(
    container: Container,
    *,
    shop: ShopRead,
    items: Sequence[tuple[ProductRead | uuid.UUID, int]],
    currency: str = "EUR",
    promo_code: str | None = None,
    customer_id: uuid.UUID | None = None,
    shipping_amount: int = 0,
) -> OrderRead:
    """A pending order of `items` ((product or variant id, quantity) pairs)."""
    lines = [
        OrderItemIn(variant_id=p if isinstance(p, uuid.UUID) else variant_id(p), quantity=q)
        for p, q in items
    ]
    async with unit_of_work(container.sessions) as session:
        return await orders.place_order(
            session, shop_id=shop.id, customer_id=customer_id, currency=currency, items=lines,
            promo_code=promo_code, shipping_amount=shipping_amount, source="tests",
            now=container.clock.now(),
        )  # fmt: skip


async def mark_paid(container: Container, order: OrderRead) -> OrderRead:
    async with unit_of_work(container.sessions) as session:
        return await orders.mark_paid(
            session, shop_id=order.shop_id, order_id=order.id, payment_id=uuid.uuid4(),
            amount=order.total, now=container.clock.now(),
        )  # fmt: skip


async def stock_of(container: Container, product: ProductRead) -> int | None:
    """The product's first variant's stock now."""
    async with unit_of_work(container.sessions) as session:
        fresh = await catalog.get_product(session, shop_id=product.shop_id, product_id=product.id)
    return fresh.variants[0].stock


async def published(container: Container, name: str) -> list[dict[str, object]]:
    """Payloads of the outbox events called `name`, oldest first."""
    async with unit_of_work(container.sessions) as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.name == name)
            .order_by(OutboxEvent.position)
        )
        return [dict(payload) for payload in rows.scalars()]
