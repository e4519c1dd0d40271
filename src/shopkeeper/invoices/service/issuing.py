"""Issuing the invoice of a paid order: once, numbered per shop and year, frozen as a snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, orders, shops
from shopkeeper.invoices.models import Invoice
from shopkeeper.invoices.repository import InvoiceRepository
from shopkeeper.invoices.schemas import (
    InvoiceKind,
    InvoiceLine,
    InvoiceRead,
    InvoiceSettingsRead,
    InvoiceSnapshot,
    Party,
    TaxRow,
    Totals,
)
from shopkeeper.invoices.service.settings import get_settings
from shopkeeper.kit.ids import new_id
from shopkeeper.orders import OrderLineRead, OrderRead


async def issue_invoice(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> InvoiceRead:
    """The order's invoice: the existing one, or a new one numbered `FV/2026/000123`.

    An invoice when the shop has a tax id, else a receipt. A redelivered OrderPaid finds the
    first one; two concurrent issuers collide on the unique order id and one is retried.
    """
    repo = InvoiceRepository(session)
    if (existing := await repo.by_order(shop_id, order_id)) is not None:
        return InvoiceRead.model_validate(existing)
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    settings = await get_settings(session, shop_id=shop_id)
    year = now.astimezone(ZoneInfo(shop.timezone)).year
    sequence = await repo.next_number(shop_id, year)
    number = f"{settings.number_prefix}/{year}/{sequence:06d}"
    buyer = await _buyer(session, order)
    snapshot = build_snapshot(
        order, shop=shop, settings=settings, number=number, buyer=buyer, now=now
    )
    invoice = repo.add(Invoice(
        id=new_id(), shop_id=shop_id, order_id=order.id, order_number=order.number,
        customer_id=order.customer_id, number=number, kind=snapshot.kind.value, issued_at=now,
        currency=order.currency, amount=order.total, snapshot=snapshot.model_dump(mode="json"),
    ))  # fmt: skip
    await session.flush()
    return InvoiceRead.model_validate(invoice)


def build_snapshot(
    order: OrderRead,
    *,
    shop: shops.ShopRead,
    settings: InvoiceSettingsRead,
    number: str,
    buyer: Party | None,
    now: datetime,
) -> InvoiceSnapshot:
    """What the document prints, from the order's own line snapshots and totals."""
    seller = Party(
        name=settings.legal_name or shop.name,
        address_lines=settings.address_lines,
        tax_id=settings.tax_id,
    )
    return InvoiceSnapshot(
        number=number, kind=InvoiceKind.INVOICE if settings.tax_id else InvoiceKind.RECEIPT,
        order_number=order.number, issued_at=now, sold_at=order.paid_at or now,
        language=shop.default_language, timezone=shop.timezone, currency=order.currency,
        seller=seller, buyer=buyer, lines=[_line(line) for line in order.lines],
        taxes=tax_rows(order.lines),
        totals=Totals(
            subtotal=order.subtotal, discount=order.discount, tax=order.tax,
            shipping=order.shipping, total=order.total,
        ),
        footer=settings.footer,
    )  # fmt: skip


def tax_rows(lines: Sequence[OrderLineRead]) -> list[TaxRow]:
    """Per tax rate, highest first: gross = the lines' totals, tax = their tax, net = the rest."""
    sums: dict[int, tuple[int, int]] = {}
    for line in lines:
        gross, tax = sums.get(line.tax_rate_bp, (0, 0))
        sums[line.tax_rate_bp] = (gross + line.total, tax + line.tax)
    return [
        TaxRow(rate_bp=rate, net=gross - tax, tax=tax, gross=gross)
        for rate, (gross, tax) in sorted(sums.items(), reverse=True)
    ]


def _line(line: OrderLineRead) -> InvoiceLine:
    return InvoiceLine(
        name=line.name, sku=line.sku, quantity=line.quantity, unit_amount=line.unit_amount,
        amount=line.amount, discount=line.discount, tax_rate_bp=line.tax_rate_bp, tax=line.tax,
        total=line.total,
    )  # fmt: skip


async def _buyer(session: AsyncSession, order: OrderRead) -> Party | None:
    """The customer's display name, when the order has a customer who still exists."""
    if order.customer_id is None:
        return None
    try:
        customer = await identity.get_customer(
            session, shop_id=order.shop_id, customer_id=order.customer_id
        )
    except identity.CustomerNotFound:
        return None
    return Party(name=customer.display_name) if customer.display_name else None
