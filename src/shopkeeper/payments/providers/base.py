"""The provider port: what every payment gateway adapter offers, in normalised shapes.

An adapter is stateless apart from settings and an HTTP client; the shop's credentials come
with each call as a `GatewayCredentials`. Money is always minor units + ISO currency here;
an adapter converts to its wire format (Stripe: minor units, YooKassa: "10.00" strings).

Flow: `create_payment` returns what the customer needs (a redirect URL, or an invoice for a
bot); the provider later tells us what happened through a webhook, which `parse_webhook`
verifies (signature, sender IP, or a re-read of the object from the API) and turns into
`PaymentEvent`s. Adapters whose notifications come through a bot (Telegram) build the same
events and hand them to `payments.record_events`.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from shopkeeper.errors import AppError, BadRequest, NotFound

if TYPE_CHECKING:
    from shopkeeper.payments.providers.http import GatewayHttp
    from shopkeeper.settings import Settings


class EventKind(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"
    WAITING_FOR_CAPTURE = "waiting_for_capture"
    REFUNDED = "refunded"
    # A provider's own repeat charge of a subscription a payment of ours started (Stripe).
    RENEWED = "renewed"
    # The provider's subscription a payment started will not charge again (Stripe).
    RECURRING_ENDED = "recurring_ended"


class RenewalMode(StrEnum):
    """How a provider renews a plan bought through it."""

    SAVED_METHOD = "saved_method"  # we charge the saved payment method again (YooKassa)
    SUBSCRIPTION = "subscription"  # the provider charges every period on its own (Stripe)


class StartStatus(StrEnum):
    PENDING = "pending"
    WAITING_FOR_CAPTURE = "waiting_for_capture"


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookSignatureInvalid(AppError):
    """The webhook is not from the provider: bad or missing signature, stale, unconfirmed."""

    status_code = 401


class WebhookMalformed(BadRequest):
    """The webhook body cannot be read as the provider's format."""


class ProviderNotSupported(NotFound):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"No payment provider {name!r}; known: {', '.join(known)}")


class GatewayError(AppError):
    """The provider refused or could not be reached; nothing was charged by us."""

    status_code = 502


@dataclass(frozen=True)
class GatewayCredentials:
    """A shop's decrypted configuration for one provider."""

    shop_id: uuid.UUID
    provider: str
    config: Mapping[str, Any]


@dataclass(frozen=True)
class RecurringTerms:
    """A plan's billing period, for providers that charge again on their own (subscriptions)."""

    interval: str  # day | week | month | year
    interval_count: int = 1


@dataclass(frozen=True)
class PaymentRequest:
    """What an adapter needs to start collecting one payment of one order."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    order_number: str
    shop_name: str
    amount: int
    currency: str
    description: str
    return_url: str
    cancel_url: str
    customer_id: uuid.UUID | None = None
    recurring: RecurringTerms | None = None
    # Who pays, when known: gateways that ask (PayU, Przelewy24) get these instead of defaults.
    payer_email: str | None = None
    payer_ip: str | None = None


@dataclass(frozen=True)
class PaymentStart:
    """The provider's answer: its id for the payment and what the customer must do next."""

    provider_payment_id: str
    status: StartStatus = StartStatus.PENDING
    redirect_url: str | None = None
    invoice: dict[str, Any] | None = None
    provider_reference: str | None = None


@dataclass(frozen=True)
class PaymentHandle:
    """A payment as an adapter needs it for a refund, capture or re-read."""

    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount: int
    currency: str
    amount_captured: int
    provider_payment_id: str | None
    provider_reference: str | None


@dataclass(frozen=True)
class RefundStart:
    provider_refund_id: str
    status: RefundStatus
    amount: int


@dataclass(frozen=True)
class PaymentEvent:
    """One verified fact about a payment, in our words.

    `payment_id` is ours when the provider echoes our metadata; `provider_refs` are the
    provider's ids the fact mentions (any of them may identify the payment). For
    `succeeded`, `amount` is the money captured; for `refunded` it is the refund's amount,
    or `refunded_total` is the provider's running total when it names no refund.
    """

    provider_event_id: str
    kind: EventKind
    payment_id: uuid.UUID | None = None
    provider_refs: tuple[str, ...] = ()
    reference: str | None = None  # a secondary provider id to keep (Stripe PaymentIntent)
    amount: int | None = None
    currency: str | None = None
    refund_id: str | None = None
    our_refund_id: uuid.UUID | None = None
    refunded_total: int | None = None
    fee: int | None = None
    payment_method_id: str | None = None
    reason: str | None = None
    subscription_ref: str | None = None  # the provider's subscription the fact is about
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["kind"] = self.kind.value
        data["provider_refs"] = list(self.provider_refs)
        for key in ("payment_id", "our_refund_id"):
            data[key] = str(data[key]) if data[key] else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PaymentEvent:
        values = dict(data)
        values["kind"] = EventKind(values["kind"])
        values["provider_refs"] = tuple(values.get("provider_refs") or ())
        for key in ("payment_id", "our_refund_id"):
            values[key] = uuid.UUID(values[key]) if values.get(key) else None
        return cls(**values)


@dataclass(frozen=True)
class WebhookRequest:
    """The raw inbound request: exactly the bytes that were signed."""

    body: bytes
    headers: Mapping[str, str]  # lower-case names
    remote_ip: str | None
    received_at: datetime


class PaymentProvider(ABC):
    """A payment gateway adapter. Subclasses set `name`, `config_model`, `secret_fields`."""

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    secret_fields: ClassVar[frozenset[str]] = frozenset()
    # Headers worth keeping with a stored webhook (besides content-type and user-agent).
    signature_headers: ClassVar[tuple[str, ...]] = ()
    # Whether `parse_webhook` verifies without calling the provider (a signature check): the
    # webhook is then stored, verified and processed in one transaction (payments.flows).
    verifies_offline: ClassVar[bool] = False
    # Whether a refund can be asked for through the API (Telegram Stars: yes; cash: no).
    supports_refunds: ClassVar[bool] = True
    # How a plan bought through this provider renews by itself; None: by reminders.
    renews_plans: ClassVar[RenewalMode | None] = None

    def __init__(self, settings: Settings, http: GatewayHttp) -> None:
        self.settings = settings
        self.http = http

    @abstractmethod
    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        """Open the payment at the provider."""

    @abstractmethod
    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        """The event id the (not yet verified) body claims: the deduplication key."""

    @abstractmethod
    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        """Verify the request and normalise it; raise WebhookSignatureInvalid if forged."""

    @abstractmethod
    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        """Send `amount` of a captured payment back to the payer."""

    async def fetch_payment(
        self, account: GatewayCredentials, payment: PaymentHandle
    ) -> list[PaymentEvent]:
        """Re-read the payment at the provider: the facts it states now (none if unknown)."""
        return []

    async def capture(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        """Capture an authorised payment (two-step providers); the facts that follow."""
        raise GatewayError(f"{self.name} payments are captured automatically")

    async def cancel(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        """Release an authorised, not captured payment."""
        raise GatewayError(f"{self.name} payments cannot be cancelled once authorised")

    async def create_recurring_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, method_reference: str,
        idempotency_key: str,
    ) -> tuple[PaymentStart, list[PaymentEvent]]:  # fmt: skip
        """Charge a saved payment method without the customer: the start and its facts."""
        raise GatewayError(f"{self.name} cannot charge a saved payment method")

    async def set_cancel_at_period_end(
        self, account: GatewayCredentials, reference: str, *, cancel: bool, idempotency_key: str
    ) -> None:
        """Tell the provider's own subscription to stop (or go on) after its current period."""
        raise GatewayError(f"{self.name} has no subscriptions of its own")
