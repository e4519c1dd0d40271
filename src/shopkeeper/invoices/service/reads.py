"""Reading invoices: one by id or by order, a page of a shop's, a PDF, and a signed one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.invoices.errors import InvoiceNotFound
from shopkeeper.invoices.links import check_token
from shopkeeper.invoices.models import Invoice
from shopkeeper.invoices.render import render_pdf
from shopkeeper.invoices.repository import InvoiceRepository
from shopkeeper.invoices.schemas import InvoiceDetail, InvoiceRead, InvoiceSnapshot
from shopkeeper.kit.pagination import Page


async def get_invoice(
    session: AsyncSession, *, shop_id: uuid.UUID, invoice_id: uuid.UUID
) -> InvoiceDetail:
    """The invoice with its snapshot; another shop's is InvoiceNotFound."""
    invoice = await InvoiceRepository(session).get(shop_id, invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    return InvoiceDetail.model_validate(invoice)


async def list_invoices(
    session: AsyncSession, *, shop_id: uuid.UUID, limit: int = 50, offset: int = 0
) -> Page[InvoiceRead]:
    rows, total = await InvoiceRepository(session).page(shop_id, limit=limit, offset=offset)
    items = [InvoiceRead.model_validate(row) for row in rows]
    return Page[InvoiceRead](items=items, total=total, limit=limit, offset=offset)


async def get_order_invoice(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> InvoiceRead | None:
    """The order's invoice, None until it is paid and issued."""
    invoice = await InvoiceRepository(session).by_order(shop_id, order_id)
    return None if invoice is None else InvoiceRead.model_validate(invoice)


async def order_invoice_pdf(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> tuple[InvoiceRead, bytes]:
    """The PDF of the order's invoice; InvoiceNotFound until the order is paid (or elsewhere)."""
    invoice = await InvoiceRepository(session).by_order(shop_id, order_id)
    if invoice is None:
        raise InvoiceNotFound()
    return _pdf(invoice)


async def signed_invoice_pdf(
    session: AsyncSession, *, secret: str, invoice_id: uuid.UUID, token: str, now: datetime
) -> tuple[InvoiceRead, bytes]:
    """The PDF behind a customer's signed link: InvalidInvoiceLink (403) before any lookup."""
    check_token(secret, invoice_id=invoice_id, token=token, now=now)
    invoice = await InvoiceRepository(session).get_any_shop(invoice_id)
    if invoice is None:
        raise InvoiceNotFound()
    return _pdf(invoice)


def _pdf(invoice: Invoice) -> tuple[InvoiceRead, bytes]:
    snapshot = InvoiceSnapshot.model_validate(invoice.snapshot)
    return InvoiceRead.model_validate(invoice), render_pdf(snapshot)
