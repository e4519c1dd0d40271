"""Typed errors of the invoices context (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Forbidden, NotFound


class InvoiceNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Invoice not found")


class InvalidInvoiceLink(Forbidden):
    """The download link's token is malformed, forged, or past its expiry."""

    def __init__(self, detail: str = "The invoice link is invalid or has expired") -> None:
        super().__init__(detail)
