"""Builders for the invoices context: shop legal data, paid orders with their invoices issued."""

from __future__ import annotations

import uuid
from typing import Any

from shopkeeper import bus, identity, invoices
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity import CustomerRead
from shopkeeper.invoices import InvoiceRead, InvoiceSettingsRead, InvoiceSettingsUpdate
from shopkeeper.orders import OrderRead
from shopkeeper.shops import ShopRead
from tests.builders.orders import create_sellable, mark_paid, place_order


async def configure_invoices(
    container: Container, *, shop: ShopRead, **fields: Any
) -> InvoiceSettingsRead:
    """Save the shop's invoice settings (legal name, address lines, tax id, prefix, footer)."""
    async with unit_of_work(container.sessions) as session:
        return await invoices.update_settings(
            session, shop_id=shop.id, data=InvoiceSettingsUpdate(**fields),
            actor=Actor.system("tests"), now=container.clock.now(),
        )  # fmt: skip


async def named_customer(container: Container, *, shop: ShopRead, name: str) -> CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value=f"c-{uuid.uuid4().hex[:8]}@example.com",
            display_name=name, now=container.clock.now(),
        )  # fmt: skip


async def paid_order(
    container: Container,
    *,
    shop: ShopRead,
    price: int = 1000,
    quantity: int = 1,
    tax_rate_bp: int | None = 2300,
    name: str | None = None,
    customer_id: uuid.UUID | None = None,
    drain: bool = True,
) -> OrderRead:
    """A product sold once and paid; the bus drained so its invoice is issued (unless told)."""
    product = await create_sellable(
        container, shop=shop, price=price, currency=shop.currency, tax_rate_bp=tax_rate_bp,
        name=name,
    )  # fmt: skip
    order = await place_order(
        container, shop=shop, items=[(product, quantity)], currency=shop.currency,
        customer_id=customer_id,
    )  # fmt: skip
    order = await mark_paid(container, order)
    if drain:
        await bus.drain(container)
    return order


async def shop_invoices(container: Container, *, shop: ShopRead) -> list[InvoiceRead]:
    """Every invoice of the shop, newest first."""
    async with unit_of_work(container.sessions) as session:
        page = await invoices.list_invoices(session, shop_id=shop.id, limit=500)
    return page.items
