"""Shapes of the orders context: what a client sends to place an order and what it reads back."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ITEMS = 100
MAX_QUANTITY = 10_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SOURCE = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")


class OrderState(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class OrderSort(StrEnum):
    """How a list of orders is ordered: by when they were placed, or by their total."""

    NEWEST = "newest"
    OLDEST = "oldest"
    TOTAL_DESC = "total_desc"
    TOTAL_ASC = "total_asc"


class OrderItemIn(BaseModel):
    variant_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


class OrderCreate(BaseModel):
    """POST /orders. `currency` defaults to the shop's; `source` says which surface sold it."""

    model_config = ConfigDict(extra="forbid")

    items: list[OrderItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    customer_id: uuid.UUID | None = None
    promo_code: str | None = Field(default=None, min_length=1, max_length=64)
    shipping_amount: int = Field(default=0, ge=0)
    source: str = Field(default="api", max_length=32)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else valid_currency(value)

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return valid_source(value)


class OrderCancel(BaseModel):
    reason: str = Field(default="cancelled by staff", min_length=1, max_length=200)


class OrderLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    name: str
    kind: str
    unit_amount: int
    quantity: int
    amount: int
    tax_rate_bp: int
    tax_included: bool
    discount: int
    tax: int
    total: int


class OrderRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    number: str
    customer_id: uuid.UUID | None
    state: OrderState
    source: str
    currency: str
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int
    amount_paid: int
    amount_refunded: int
    lines: list[OrderLineRead]
    promo_code: str | None
    payment_id: uuid.UUID | None
    cancel_reason: str | None
    created_at: datetime
    paid_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    expires_at: datetime | None


def valid_currency(value: str) -> str:
    value = value.upper()
    if not _CURRENCY.match(value):
        raise ValueError("a three-letter currency code, e.g. EUR")
    return value


def valid_source(value: str) -> str:
    if not _SOURCE.match(value):
        raise ValueError("lowercase letters, digits, '.', '_' or '-' (e.g. api, telegram)")
    return value


class SalesTotal(BaseModel):
    """Orders paid in a window, in one currency: how many, paid, refunded since, and net."""

    currency: str
    orders: int
    paid: int
    refunded: int
    net: int


class ProductSales(BaseModel):
    """What one product's lines brought in (orders paid in a window, not fully refunded)."""

    product_id: uuid.UUID
    name: str
    currency: str
    units: int
    amount: int
