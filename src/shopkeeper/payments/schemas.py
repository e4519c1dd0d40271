"""Shapes of the payments context: gateway accounts, payments, refunds, the ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class PaymentStatus(StrEnum):
    PENDING = "pending"
    WAITING_FOR_CAPTURE = "waiting_for_capture"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    REFUNDED = "refunded"


CAPTURED = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED})
OPEN = frozenset({PaymentStatus.PENDING, PaymentStatus.WAITING_FOR_CAPTURE})


class RefundSource(StrEnum):
    STAFF = "staff"  # asked through the API by staff or an API key
    AUTOMATIC = "automatic"  # money that arrived for an order that could not take it
    PROVIDER = "provider"  # done at the provider (its dashboard) and reported by webhook


class LedgerKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    FEE = "fee"


class GatewayUpdate(BaseModel):
    """PUT body. Secret fields left out keep their stored value."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    config: dict[str, Any] = Field(default_factory=dict)


class GatewayRead(BaseModel):
    provider: str
    enabled: bool
    config: dict[str, Any]  # secrets masked: "••••abcd"
    webhook_url: str
    created_at: datetime
    updated_at: datetime


class GatewayField(BaseModel):
    """One field of a provider's account as a form asks for it."""

    name: str
    kind: str  # text | number | secret | flag | lines (a list, one item a line)
    required: bool


class GatewayOverview(BaseModel):
    """A provider as a shop's settings show it: its account if any (secrets masked), the
    mode its keys tell (test / live, None when they do not say), its form's fields."""

    provider: str
    configured: bool
    enabled: bool
    mode: str | None
    config: dict[str, Any]
    webhook_url: str
    updated_at: datetime | None
    fields: list[GatewayField]


class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field(default="sandbox", min_length=1, max_length=32)
    return_url: AnyHttpUrl | None = None
    cancel_url: AnyHttpUrl | None = None  # where "back" at the gateway leads; default return_url
    # True: must renew by itself (422 unless the order is one plan). False: as the gateway
    # can — one plan through YooKassa saves the method, through Stripe is a subscription.
    recurring: bool = False


class PaymentStarted(BaseModel):
    """What the customer needs next: open `redirect_url`, or show the bot `invoice`."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    provider: str
    status: PaymentStatus
    amount: int
    currency: str
    redirect_url: str | None
    invoice: dict[str, Any] | None


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_id: uuid.UUID
    provider: str
    status: PaymentStatus
    amount: int
    currency: str
    amount_captured: int
    amount_refunded: int
    provider_payment_id: str | None
    redirect_url: str | None
    recurring: bool
    payment_method_id: str | None  # a saved method for recurring charges (YooKassa)
    provider_subscription_id: str | None = None  # the provider's own subscription (Stripe)
    applied: bool
    flag: str | None
    error: str | None
    created_at: datetime
    succeeded_at: datetime | None


class RefundCreate(BaseModel):
    """`amount` in minor units; left out: everything that remains refundable."""

    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(default=None, ge=1)
    reason: str = Field(min_length=1, max_length=500)
    # What remained refundable when the amount was chosen: if another refund came first,
    # 409 RefundOutdated instead of a second refund (a form sent twice refunds once).
    expected_remaining: int | None = Field(default=None, ge=0)


class RefundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    order_id: uuid.UUID
    payment_id: uuid.UUID
    provider: str
    status: str
    amount: int
    currency: str
    provider_refund_id: str | None
    source: RefundSource
    reason: str
    error: str | None
    created_at: datetime
    succeeded_at: datetime | None


class LedgerEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: LedgerKind
    amount: int
    currency: str
    payment_id: uuid.UUID
    refund_id: uuid.UUID | None
    created_at: datetime


class OrderLedger(BaseModel):
    """An order's money: `captured` = payments − refunds (fees shown apart)."""

    order_id: uuid.UUID
    payments: int
    refunds: int
    fees: int
    captured: int
    entries: list[LedgerEntryRead]


class RenewalReference(BaseModel):
    """What renews a plan an order paid for: `mode` saved_method (we charge `reference`, a
    saved payment method) or subscription (the provider's own subscription `reference`)."""

    provider: str
    reference: str
    mode: str


class PaymentOutcomes(BaseModel):
    """How the payments started in a window ended (success rate: succeeded / ended)."""

    succeeded: int
    failed: int
    open: int
    success_rate: float | None


class WebhookProblem(BaseModel):
    """An inbound webhook that failed or was rejected (the admin's webhook log has it all)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    provider: str
    status: str
    error: str | None
    received_at: datetime


class WebhookRead(BaseModel):
    """An inbound webhook as received: whether its signature held, what became of it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    provider: str
    provider_event_id: str | None
    status: str
    verified: bool
    error: str | None
    payment_id: uuid.UUID | None
    received_at: datetime
    processed_at: datetime | None


class WebhookDetail(WebhookRead):
    """The webhook with its raw body (text as received) and headers, secrets masked."""

    body: str
    headers: dict[str, str]
    events: list[dict[str, Any]] | None
