"""HTTP: invoice settings, the list, staff PDF downloads, and the customer's signed download."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from shopkeeper.deps import ClockDep, SessionDep, SettingsDep
from shopkeeper.invoices.schemas import (
    InvoiceDetail,
    InvoiceRead,
    InvoiceSettingsRead,
    InvoiceSettingsUpdate,
)
from shopkeeper.invoices.service import reads, settings
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["invoices"])
public_router = APIRouter(tags=["invoices"])
Read = Annotated[ShopAccess, require("orders.read")]
Manage = Annotated[ShopAccess, require("settings.manage")]


@router.get("/invoices/settings")
async def get_settings(session: SessionDep, access: Manage) -> InvoiceSettingsRead:
    return await settings.get_settings(session, shop_id=access.shop.id)


@router.put("/invoices/settings")
async def put_settings(
    data: InvoiceSettingsUpdate, session: SessionDep, clock: ClockDep, access: Manage
) -> InvoiceSettingsRead:
    """The seller's legal data; with a tax id new documents are invoices, else receipts."""
    return await settings.update_settings(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/invoices")
async def list_invoices(
    session: SessionDep,
    access: Read,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[InvoiceRead]:
    """Newest first."""
    return await reads.list_invoices(session, shop_id=access.shop.id, limit=limit, offset=offset)


@router.get("/invoices/{invoice_id}")
async def get_invoice(invoice_id: uuid.UUID, session: SessionDep, access: Read) -> InvoiceDetail:
    return await reads.get_invoice(session, shop_id=access.shop.id, invoice_id=invoice_id)


@router.get("/orders/{order_id}/invoice.pdf", response_class=Response)
async def order_invoice_pdf(order_id: uuid.UUID, session: SessionDep, access: Read) -> Response:
    """404 until the order is paid and its invoice issued."""
    invoice, pdf = await reads.order_invoice_pdf(session, shop_id=access.shop.id, order_id=order_id)
    return _pdf_response(invoice, pdf)


@public_router.get("/invoices/{invoice_id}.pdf", response_class=Response)
async def signed_invoice_pdf(
    invoice_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    token: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The customer's download: 403 for a forged or expired token, 404 for no such invoice."""
    invoice, pdf = await reads.signed_invoice_pdf(
        session, secret=app_settings.secret_key, invoice_id=invoice_id, token=token,
        now=clock.now(),
    )  # fmt: skip
    return _pdf_response(invoice, pdf, private=True)


def _pdf_response(invoice: InvoiceRead, pdf: bytes, *, private: bool = False) -> Response:
    filename = invoice.number.replace("/", "-") + ".pdf"
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, no-store" if private else "private, max-age=0",
    }
    return Response(content=pdf, media_type="application/pdf", headers=headers)
