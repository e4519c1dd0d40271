"""Invoices: a PDF invoice (or a receipt, when the shop has no tax id) for every paid order.

Public: `issue_invoice(session, *, shop_id, order_id, now)` → `InvoiceRead` (idempotent per
order; numbered `<prefix>/<year>/<000123>` per shop and year from an atomic counter; a frozen
snapshot of seller, buyer, lines, tax per rate and totals), `get_invoice`,
`get_order_invoice` (None until issued), `list_invoices`, `order_invoice_pdf`,
`signed_invoice_pdf`, `render_pdf(snapshot)`, settings `get_settings` /
`update_settings` (audited), and `invoice_link(settings, invoice_id, expires_at)`: a signed,
expiring customer download link for the storefront and the bots.
Consumes `orders.order_paid.v1` (issues the invoice); publishes no events.
HTTP: `/api/v1/shops/{shop}/invoices[/settings]` (orders.read / settings.manage),
`/api/v1/shops/{shop}/orders/{order_id}/invoice.pdf`, public `/invoices/{id}.pdf?token=...`.
"""

from shopkeeper.invoices.errors import InvalidInvoiceLink, InvoiceNotFound
from shopkeeper.invoices.links import check_token, invoice_link, invoice_token
from shopkeeper.invoices.render import render_pdf
from shopkeeper.invoices.schemas import (
    InvoiceDetail,
    InvoiceKind,
    InvoiceRead,
    InvoiceSettingsRead,
    InvoiceSettingsUpdate,
    InvoiceSnapshot,
)
from shopkeeper.invoices.service.issuing import issue_invoice
from shopkeeper.invoices.service.reads import (
    get_invoice,
    get_order_invoice,
    list_invoices,
    order_invoice_pdf,
    signed_invoice_pdf,
)
from shopkeeper.invoices.service.settings import get_settings, update_settings

__all__ = [
    "InvalidInvoiceLink",
    "InvoiceDetail",
    "InvoiceKind",
    "InvoiceNotFound",
    "InvoiceRead",
    "InvoiceSettingsRead",
    "InvoiceSettingsUpdate",
    "InvoiceSnapshot",
    "check_token",
    "get_invoice",
    "get_order_invoice",
    "get_settings",
    "invoice_link",
    "invoice_token",
    "issue_invoice",
    "list_invoices",
    "order_invoice_pdf",
    "render_pdf",
    "signed_invoice_pdf",
    "update_settings",
]
