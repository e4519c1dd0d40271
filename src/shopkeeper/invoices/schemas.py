"""Shapes of the invoices context: the shop's invoice settings, invoices and their snapshot."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

_PREFIX = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,11}$")
DEFAULT_PREFIX = "FV"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"  # the seller has a tax id (NIP, INN, VAT number)
    RECEIPT = "receipt"  # no tax id: a receipt for the payment


class InvoiceSettingsUpdate(BaseModel):
    """PUT /invoices/settings: the seller's legal data, replaced whole."""

    model_config = ConfigDict(extra="forbid")

    legal_name: str = Field(default="", max_length=200)
    address_lines: list[str] = Field(default_factory=list, max_length=4)
    tax_id: str = Field(default="", max_length=32)
    number_prefix: str = Field(default=DEFAULT_PREFIX, min_length=1, max_length=12)
    footer: str = Field(default="", max_length=500)

    @field_validator("legal_name", "tax_id", "footer")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("address_lines")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        lines = [line.strip() for line in value if line.strip()]
        if any(len(line) > 200 for line in lines):
            raise ValueError("an address line is at most 200 characters")
        return lines

    @field_validator("number_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        value = value.strip().upper()
        if not _PREFIX.match(value):
            raise ValueError("letters, digits and '-' only, e.g. FV or INV")
        return value


class InvoiceSettingsRead(InvoiceSettingsUpdate):
    """The shop's settings; `configured` is false while the defaults are in force."""

    model_config = ConfigDict(extra="ignore")

    configured: bool = False
    updated_at: datetime | None = None


class Party(BaseModel):
    name: str
    address_lines: list[str] = Field(default_factory=list)
    tax_id: str = ""


class InvoiceLine(BaseModel):
    name: str
    sku: str
    quantity: int
    unit_amount: int
    amount: int
    discount: int
    tax_rate_bp: int
    tax: int
    total: int


class TaxRow(BaseModel):
    """One tax rate's sums: net + tax = gross."""

    rate_bp: int
    net: int
    tax: int
    gross: int


class Totals(BaseModel):
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int


class InvoiceSnapshot(BaseModel):
    """Everything the document prints, frozen when it was issued."""

    number: str
    kind: InvoiceKind
    order_number: str
    issued_at: datetime
    sold_at: datetime
    language: str
    timezone: str
    currency: str
    seller: Party
    buyer: Party | None
    lines: list[InvoiceLine]
    taxes: list[TaxRow]
    totals: Totals
    footer: str = ""


class InvoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    order_id: uuid.UUID
    order_number: str
    customer_id: uuid.UUID | None
    number: str
    kind: InvoiceKind
    issued_at: datetime
    currency: str
    amount: int


class InvoiceDetail(InvoiceRead):
    snapshot: InvoiceSnapshot
