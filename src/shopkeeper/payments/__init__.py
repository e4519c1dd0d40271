"""Payments: collecting an order's money through a gateway, refunds, webhooks, the ledger.

Providers (`payments.providers`): sandbox (default, offline, hosted page /pay/{id}), stripe,
yookassa behind one port; credentials per shop encrypted at rest. Public: `start_payment`
(container, *, shop, order_id, data, actor) → PaymentStarted; `receive_webhook(container,
*, provider_name, body, headers, remote_ip, shop_slug | shop_id)` (store → verify →
process); `record_events(session, *, shop_id, provider, events, now)` for facts that come
another way (bot updates); `refund_order(container, *, shop_id, order_id, amount, reason,
actor, expected_remaining)`, `refundable_amount`; reads `get_payment`, `list_payments`,
`list_refunds`, `order_ledger`, `pay_page`;
figures `payment_outcomes` (success rate in a window), `webhook_problems` (failed, rejected);
staff's lists `browse_payments`, `browse_webhooks`, `get_webhook` (raw body, secrets masked);
`press_sandbox(container, *, payment_id, outcome)`; `enabled_gateways`,
`configure_gateway_if_absent` (audited); staff's gateway settings `list_gateways`,
`gateway_overview`, `gateway_fields`, `get_gateway`, `put_gateway` (audited, secrets
masked); Telegram Stars facts from a bot:
`stars_succeeded_event`, `charge_is_booked` / `record_charge` (renewals, repeat charges).
Renewals (`service.renewals`): a one-plan order through YooKassa saves the payment method,
through Stripe is a Stripe subscription; `renewal_reference(session, *, shop_id, order_id)`
says which; `charge_saved_method(container, *, shop_id, order_id, provider,
method_reference)`; `saved_method_providers()` / `subscription_providers()`;
`set_provider_cancel_at_period_end(container, *, shop_id, provider, reference, cancel,
idempotency_key)`; a
Stripe cycle invoice pays a renewal order (source "renewal") of the same plan, once per
invoice. Calls orders.mark_paid / record_refund in the same transaction. Publishes
`payments.payment_succeeded.v1`, `payment_failed.v1`, `refund_succeeded.v1`,
`recurring_ended.v1`; consumes none. Task `payments.settle`. HTTP: /api/v1/shops/{shop}/
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
    RefundOutdated,
    WebhookMalformed,
    WebhookNotFound,
    WebhookProcessingFailed,
    WebhookSignatureInvalid,
)
from shopkeeper.payments.events import (
    PaymentFailed,
    PaymentSucceeded,
    RecurringEnded,
    RefundSucceeded,
)
from shopkeeper.payments.flows import (
    WebhookOutcome,
    charge_saved_method,
    receive_webhook,
    refund_order,
    set_provider_cancel_at_period_end,
    start_payment,
)
from shopkeeper.payments.flows.sandbox import press as press_sandbox
from shopkeeper.payments.providers.base import EventKind, PaymentEvent, RenewalMode
from shopkeeper.payments.providers.telegram_stars import CURRENCY as STARS_CURRENCY
from shopkeeper.payments.providers.telegram_stars import succeeded_event as stars_succeeded_event
from shopkeeper.payments.schemas import (
    GatewayField,
    GatewayOverview,
    GatewayRead,
    GatewayUpdate,
    OrderLedger,
    PaymentCreate,
    PaymentOutcomes,
    PaymentRead,
    PaymentStarted,
    PaymentStatus,
    RefundRead,
    RenewalReference,
    WebhookDetail,
    WebhookProblem,
    WebhookRead,
)
from shopkeeper.payments.service.accounts import (
    configure_gateway_if_absent,
    enabled_gateways,
    get_gateway,
    put_gateway,
)
from shopkeeper.payments.service.browse import browse_payments, browse_webhooks, get_webhook
from shopkeeper.payments.service.charges import charge_is_booked, record_charge
from shopkeeper.payments.service.figures import payment_outcomes, webhook_problems
from shopkeeper.payments.service.gateway_settings import (
    gateway_fields,
    gateway_overview,
    list_gateways,
)
from shopkeeper.payments.service.pay_page import PayPage, pay_page
from shopkeeper.payments.service.reads import get_payment, list_payments, list_refunds, order_ledger
from shopkeeper.payments.service.refunds import refundable_amount
from shopkeeper.payments.service.renewals import (
    renewal_order,
    renewal_reference,
    saved_method_providers,
    subscription_providers,
)
from shopkeeper.payments.service.settlement import record_events

__all__ = [
    "STARS_CURRENCY",
    "EventKind",
    "GatewayDisabled",
    "GatewayError",
    "GatewayField",
    "GatewayNotConfigured",
    "GatewayOverview",
    "GatewayRead",
    "GatewayUpdate",
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
    "PaymentOutcomes",
    "PaymentRead",
    "PaymentStarted",
    "PaymentStatus",
    "PaymentSucceeded",
    "ProviderNotSupported",
    "RecurringEnded",
    "RefundExceedsRemaining",
    "RefundOutdated",
    "RefundRead",
    "RefundSucceeded",
    "RenewalMode",
    "RenewalReference",
    "WebhookDetail",
    "WebhookMalformed",
    "WebhookNotFound",
    "WebhookOutcome",
    "WebhookProblem",
    "WebhookProcessingFailed",
    "WebhookRead",
    "WebhookSignatureInvalid",
    "browse_payments",
    "browse_webhooks",
    "charge_is_booked",
    "charge_saved_method",
    "configure_gateway_if_absent",
    "enabled_gateways",
    "gateway_fields",
    "gateway_overview",
    "get_gateway",
    "get_payment",
    "get_webhook",
    "list_gateways",
    "list_payments",
    "list_refunds",
    "order_ledger",
    "pay_page",
    "payment_outcomes",
    "press_sandbox",
    "put_gateway",
    "receive_webhook",
    "record_charge",
    "record_events",
    "refund_order",
    "refundable_amount",
    "renewal_order",
    "renewal_reference",
    "saved_method_providers",
    "set_provider_cancel_at_period_end",
    "stars_succeeded_event",
    "start_payment",
    "subscription_providers",
    "webhook_problems",
]
