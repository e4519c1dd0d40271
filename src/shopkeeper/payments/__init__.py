"""Payments: collecting an order's money through a gateway, refunds, webhooks, the ledger.

Providers (`payments.providers`): sandbox (default, offline, hosted page /pay/{id}), stripe,
yookassa behind one port; credentials per shop encrypted at rest. Public: `start_payment`
(container, *, shop, order_id, data, actor) → PaymentStarted; `receive_webhook(container,
*, provider_name, body, headers, remote_ip, shop_slug | shop_id)` (store → verify →
process); `record_events(session, *, shop_id, provider, events, now)` for facts that come
another way (bot updates); `refund_order(container, *, shop_id, order_id, amount, reason,
actor)`; reads `get_payment`, `list_payments`, `list_refunds`, `order_ledger`, `pay_page`;
`press_sandbox(container, *, payment_id, outcome)`. Calls orders.mark_paid / record_refund in
the same transaction. Publishes `payments.payment_succeeded.v1`, `payment_failed.v1`,
`refund_succeeded.v1`; consumes none. Task `payments.settle`. HTTP: /api/v1/shops/{shop}/
payments/gateways/{provider}, …/orders/{id}/payments|refunds|ledger, …/payments/webhooks/
{provider}. Out-of-order rule: see `payments.service.settlement`.
"""

from shopkeeper.payments.errors import (
    GatewayDisabled,
    GatewayError,
    GatewayNotConfigured,
    InvalidGatewayConfig,
    NothingToPay,
    NothingToRefund,
    OrderNotAwaitingPayment,
    PaymentNotFound,
    ProviderNotSupported,
    RefundExceedsRemaining,
    WebhookMalformed,
    WebhookProcessingFailed,
    WebhookSignatureInvalid,
)
from shopkeeper.payments.events import PaymentFailed, PaymentSucceeded, RefundSucceeded
from shopkeeper.payments.flows import WebhookOutcome, receive_webhook, refund_order, start_payment
from shopkeeper.payments.flows.sandbox import press as press_sandbox
from shopkeeper.payments.providers.base import EventKind, PaymentEvent
from shopkeeper.payments.schemas import (
    OrderLedger,
    PaymentCreate,
    PaymentRead,
    PaymentStarted,
    PaymentStatus,
    RefundRead,
)
from shopkeeper.payments.service.pay_page import PayPage, pay_page
from shopkeeper.payments.service.reads import get_payment, list_payments, list_refunds, order_ledger
from shopkeeper.payments.service.settlement import record_events

__all__ = [
    "EventKind",
    "GatewayDisabled",
    "GatewayError",
    "GatewayNotConfigured",
    "InvalidGatewayConfig",
    "NothingToPay",
    "NothingToRefund",
    "OrderLedger",
    "OrderNotAwaitingPayment",
    "PayPage",
    "PaymentCreate",
    "PaymentEvent",
    "PaymentFailed",
    "PaymentNotFound",
    "PaymentRead",
    "PaymentStarted",
    "PaymentStatus",
    "PaymentSucceeded",
    "ProviderNotSupported",
    "RefundExceedsRemaining",
    "RefundRead",
    "RefundSucceeded",
    "WebhookMalformed",
    "WebhookOutcome",
    "WebhookProcessingFailed",
    "WebhookSignatureInvalid",
    "get_payment",
    "list_payments",
    "list_refunds",
    "order_ledger",
    "pay_page",
    "press_sandbox",
    "receive_webhook",
    "record_events",
    "refund_order",
    "start_payment",
]
