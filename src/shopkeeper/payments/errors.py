"""Typed errors of the payments context (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import AppError, Conflict, NotFound, ServiceUnavailable, Unprocessable
from shopkeeper.payments.providers.base import (
    GatewayError,
    ProviderNotSupported,
    WebhookMalformed,
    WebhookSignatureInvalid,
)


class GatewayNotConfigured(NotFound):
    def __init__(self, provider: str) -> None:
        super().__init__(f"The shop has no {provider} account configured (PUT it first)")


class GatewayDisabled(Conflict):
    def __init__(self, provider: str) -> None:
        super().__init__(f"The shop's {provider} account is disabled")


class InvalidGatewayConfig(Unprocessable):
    """The configuration does not fit the provider; the message names the fields, and
    `fields` maps each wrong field to the kind of error (pydantic's type, e.g. "missing")."""

    def __init__(self, detail: str = "", *, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.fields = fields or {}


class PaymentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Payment not found")


class OrderNotAwaitingPayment(Conflict):
    def __init__(self, state: str) -> None:
        super().__init__(f"The order is {state}; only a pending order takes a payment")


class NothingToPay(Conflict):
    def __init__(self) -> None:
        super().__init__("Nothing remains to be paid on this order")


class ReturnUrlRequired(Unprocessable):
    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} needs an absolute return_url (or set SHOPKEEPER_PUBLIC_URL)")


class RecurringNotPossible(Unprocessable):
    """A recurring payment needs an order of exactly one plan line."""


class NothingToRefund(Conflict):
    def __init__(self) -> None:
        super().__init__("The order has no captured payment to refund")


class RefundExceedsRemaining(Conflict):
    def __init__(self, *, remaining: int, asked: int, currency: str) -> None:
        super().__init__(
            f"Cannot refund {asked} {currency}: only {remaining} {currency} remains refundable"
        )
        self.remaining = remaining


class RefundOutdated(Conflict):
    def __init__(self, *, remaining: int, currency: str) -> None:
        super().__init__(
            f"The order's refunds changed since the amount was chosen: {remaining} {currency}"
            " remains refundable now; nothing was refunded"
        )
        self.remaining = remaining


class InvalidRefundAmount(Unprocessable):
    def __init__(self) -> None:
        super().__init__("A refund amount must be a positive number of minor units")


class RefundsNotSupported(Conflict):
    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} payments cannot be refunded through the API")


class WebhookTooLarge(AppError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"A webhook body may be at most {limit} bytes")


class WebhookProcessingFailed(ServiceUnavailable):
    """We stored the webhook but could not process it now; the provider should retry."""


__all__ = [
    "GatewayDisabled",
    "GatewayError",
    "GatewayNotConfigured",
    "InvalidGatewayConfig",
    "InvalidRefundAmount",
    "NothingToPay",
    "NothingToRefund",
    "OrderNotAwaitingPayment",
    "PaymentNotFound",
    "ProviderNotSupported",
    "RecurringNotPossible",
    "RefundExceedsRemaining",
    "RefundsNotSupported",
    "ReturnUrlRequired",
    "WebhookMalformed",
    "WebhookProcessingFailed",
    "WebhookSignatureInvalid",
    "WebhookTooLarge",
]


class WebhookNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Webhook not found")
