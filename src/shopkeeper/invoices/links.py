"""Signed, expiring download links for customers: HMAC-SHA256 over invoice id and expiry.

A token is `<expiry unix seconds>.<hex signature>`, signed with `settings.secret_key`; no
table is needed, and rotating the secret key revokes every link at once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from shopkeeper.invoices.errors import InvalidInvoiceLink
from shopkeeper.kit.crypto import constant_time_equal, sign
from shopkeeper.settings import Settings

PATH = "/invoices/{invoice_id}.pdf"


def invoice_token(secret: str, *, invoice_id: uuid.UUID, expires_at: datetime) -> str:
    expiry = int(expires_at.timestamp())
    return f"{expiry}.{_signature(secret, invoice_id, expiry)}"


def invoice_link(settings: Settings, invoice_id: uuid.UUID, expires_at: datetime) -> str:
    """The customer's download link (absolute when `public_url` is set), valid until then."""
    token = invoice_token(settings.secret_key, invoice_id=invoice_id, expires_at=expires_at)
    path = PATH.format(invoice_id=invoice_id) + "?" + urlencode({"token": token})
    return (settings.public_url or "").rstrip("/") + path


def check_token(secret: str, *, invoice_id: uuid.UUID, token: str, now: datetime) -> None:
    """Raise InvalidInvoiceLink unless `token` was signed for this invoice and is unexpired."""
    expiry_text, _, signature = token.partition(".")
    if not expiry_text.isdigit() or len(expiry_text) > 12 or not signature:
        raise InvalidInvoiceLink()
    expiry = int(expiry_text)
    if not constant_time_equal(signature, _signature(secret, invoice_id, expiry)):
        raise InvalidInvoiceLink()
    if datetime.fromtimestamp(expiry, UTC) <= now:
        raise InvalidInvoiceLink("The invoice link has expired")


def _signature(secret: str, invoice_id: uuid.UUID, expiry: int) -> str:
    return sign(secret, f"invoice:{invoice_id}:{expiry}".encode())
