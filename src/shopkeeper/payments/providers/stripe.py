"""Stripe: Checkout Sessions (one-time or subscription), signed webhooks, refunds.

Requests are form-encoded (`line_items[0][price_data][unit_amount]=…`) with the secret key
as a Bearer token and our payment id as `Idempotency-Key`. Our ids travel in `metadata`
(session, PaymentIntent, subscription) so every event names the payment it is about.
Webhooks carry `Stripe-Signature: t=…,v1=…` (HMAC-SHA256 of "t.body" with the endpoint
secret, 300 s tolerance). Handled: checkout.session.completed / async_payment_succeeded /
async_payment_failed / expired, payment_intent.succeeded / payment_failed, charge.refunded
(each listed refund, plus the running `amount_refunded`), invoice.paid (the first invoice of
a subscription pays our payment; a `subscription_cycle` one is the subscription renewing:
`renewed`), customer.subscription.deleted (`recurring_ended`). Other event types are
acknowledged and ignored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.payments.providers import signing
from shopkeeper.payments.providers.base import (
    EventKind,
    GatewayCredentials,
    GatewayError,
    PaymentEvent,
    PaymentHandle,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    RefundStart,
    RefundStatus,
    RenewalMode,
    WebhookMalformed,
    WebhookRequest,
)
from shopkeeper.payments.providers.http import send

SIGNATURE_HEADER = "stripe-signature"
_REFUND_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
}


class StripeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret_key: str = Field(pattern=r"^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}$")
    webhook_secret: str = Field(pattern=r"^whsec_[A-Za-z0-9_]{8,}$")


def form_fields(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested dicts/lists into Stripe's bracketed form fields."""
    fields: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            fields += form_fields(value, name)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                fields += form_fields({str(index): item}, name)
        elif isinstance(value, bool):
            fields.append((name, "true" if value else "false"))
        elif value is not None:
            fields.append((name, str(value)))
    return fields


def _session_params(request: PaymentRequest) -> dict[str, Any]:
    metadata = {"order_id": str(request.order_id), "payment_id": str(request.payment_id)}
    price: dict[str, Any] = {
        "currency": request.currency.lower(),
        "unit_amount": request.amount,
        "product_data": {"name": request.description},
    }
    params: dict[str, Any] = {
        "mode": "subscription" if request.recurring else "payment",
        "line_items": [{"quantity": 1, "price_data": price}],
        "success_url": request.return_url,
        "cancel_url": request.cancel_url,
        "client_reference_id": str(request.payment_id),
        "metadata": metadata,
    }
    if request.recurring:
        price["recurring"] = {
            "interval": request.recurring.interval,
            "interval_count": request.recurring.interval_count,
        }
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    return params


class StripeProvider(PaymentProvider):
    name = "stripe"
    config_model = StripeConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"secret_key", "webhook_secret"})
    signature_headers = (SIGNATURE_HEADER,)
    verifies_offline = True
    renews_plans = RenewalMode.SUBSCRIPTION

    async def _post(
        self, account: GatewayCredentials, path: str, params: dict[str, Any], idempotency_key: str
    ) -> Any:
        async with self.http.client(self.settings.stripe_api_url) as client:
            request = client.build_request(
                "POST",
                path,
                content=_encode(params),
                headers=self._headers(account, idempotency_key),
            )
            return await send(client, self.name, request)

    async def _get(self, account: GatewayCredentials, path: str) -> Any:
        async with self.http.client(self.settings.stripe_api_url) as client:
            request = client.build_request("GET", path, headers=self._headers(account, None))
            return await send(client, self.name, request)

    @staticmethod
    def _headers(account: GatewayCredentials, idempotency_key: str | None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {account.config['secret_key']}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        session = await self._post(
            account, "/v1/checkout/sessions", _session_params(request), idempotency_key
        )
        if not isinstance(session, dict) or not session.get("id") or not session.get("url"):
            raise GatewayError("Stripe answered without a Checkout Session id and URL")
        return PaymentStart(
            provider_payment_id=str(session["id"]),
            redirect_url=session["url"],
            provider_reference=_id(session.get("payment_intent")),
        )

    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        try:
            event = json.loads(body)
        except ValueError:
            return None
        event_id = event.get("id") if isinstance(event, dict) else None
        return str(event_id)[:200] if event_id else None

    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        signing.verify(
            request.headers.get(SIGNATURE_HEADER),
            request.body,
            str(account.config.get("webhook_secret", "")),
            now=request.received_at,
        )
        try:
            event = json.loads(request.body)
            event_id, kind, obj = str(event["id"]), str(event["type"]), event["data"]["object"]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookMalformed("Not a Stripe event") from exc
        parse = _PARSERS.get(kind)
        if parse is None or not isinstance(obj, dict):
            return []
        return parse(event_id, obj)

    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        intent = await self._payment_intent(account, payment)
        params = {
            "payment_intent": intent,
            "amount": amount,
            "reason": "requested_by_customer",
            "metadata": {
                "refund_id": idempotency_key,
                "payment_id": str(payment.payment_id),
                "reason": reason[:500],
            },
        }
        refund = await self._post(account, "/v1/refunds", params, idempotency_key)
        status = _REFUND_STATUS.get(str(refund.get("status")), RefundStatus.FAILED)
        return RefundStart(str(refund["id"]), status, int(refund.get("amount", amount)))

    async def _payment_intent(self, account: GatewayCredentials, payment: PaymentHandle) -> str:
        if payment.provider_reference and payment.provider_reference.startswith("pi_"):
            return payment.provider_reference
        if payment.provider_payment_id:
            session = await self._get(
                account, f"/v1/checkout/sessions/{payment.provider_payment_id}"
            )
            intent = _id(session.get("payment_intent"))
            if intent:
                return intent
        raise GatewayError("Stripe has no PaymentIntent for this payment yet; nothing to refund")

    async def set_cancel_at_period_end(
        self, account: GatewayCredentials, reference: str, *, cancel: bool, idempotency_key: str
    ) -> None:
        params = {"cancel_at_period_end": cancel}
        await self._post(account, f"/v1/subscriptions/{reference}", params, idempotency_key)

    async def fetch_payment(
        self, account: GatewayCredentials, payment: PaymentHandle
    ) -> list[PaymentEvent]:
        if not payment.provider_payment_id:
            return []
        session = await self._get(account, f"/v1/checkout/sessions/{payment.provider_payment_id}")
        return _session_completed(f"fetch:{session.get('id')}", session)


def _encode(params: dict[str, Any]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(form_fields(params)).encode()


def _id(value: Any) -> str | None:
    """An expandable field: an id string, or an object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _our_id(metadata: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(metadata["payment_id"]))
    except (KeyError, TypeError, ValueError):
        return None


def _money(obj: dict[str, Any], field: str) -> tuple[int | None, str | None]:
    amount = obj.get(field)
    currency = obj.get("currency")
    return (
        int(amount) if amount is not None else None,
        str(currency).upper() if currency else None,
    )


def _session_completed(event_id: str, obj: dict[str, Any]) -> list[PaymentEvent]:
    if obj.get("payment_status") not in ("paid", "no_payment_required"):
        return []  # an async method (SEPA, bank transfer): async_payment_succeeded follows
    return _session_event(event_id, obj, EventKind.SUCCEEDED)


def _session_event(event_id: str, obj: dict[str, Any], kind: EventKind) -> list[PaymentEvent]:
    amount, currency = _money(obj, "amount_total")
    intent, subscription = _id(obj.get("payment_intent")), _id(obj.get("subscription"))
    refs = tuple(r for r in (_id(obj.get("id")), intent, subscription) if r)
    return [
        PaymentEvent(
            provider_event_id=event_id,
            kind=kind,
            payment_id=_our_id(obj.get("metadata")),
            provider_refs=refs,
            reference=intent,
            amount=amount,
            currency=currency,
            subscription_ref=subscription,
        )
    ]


def _intent_event(kind: EventKind) -> Callable[[str, dict[str, Any]], list[PaymentEvent]]:
    def parse(event_id: str, obj: dict[str, Any]) -> list[PaymentEvent]:
        amount, currency = _money(
            obj, "amount_received" if kind is EventKind.SUCCEEDED else "amount"
        )
        error = obj.get("last_payment_error") or {}
        return [
            PaymentEvent(
                provider_event_id=event_id,
                kind=kind,
                payment_id=_our_id(obj.get("metadata")),
                provider_refs=(str(obj["id"]),),
                reference=str(obj["id"]),
                amount=amount,
                currency=currency,
                reason=error.get("message") if isinstance(error, dict) else None,
            )
        ]

    return parse


def _charge_refunded(event_id: str, obj: dict[str, Any]) -> list[PaymentEvent]:
    intent = _id(obj.get("payment_intent"))
    refs = tuple(r for r in (intent,) if r)
    common: dict[str, Any] = {
        "provider_event_id": event_id,
        "kind": EventKind.REFUNDED,
        "payment_id": _our_id(obj.get("metadata")),
        "provider_refs": refs,
        "reference": intent,
        "currency": str(obj.get("currency", "")).upper() or None,
    }
    events = []
    listed = (obj.get("refunds") or {}).get("data") or []
    for refund in listed:
        if isinstance(refund, dict) and refund.get("status") == "succeeded":
            events.append(
                PaymentEvent(
                    **common,
                    amount=int(refund["amount"]),
                    refund_id=str(refund["id"]),
                    our_refund_id=_refund_ref(refund.get("metadata")),
                )
            )
    events.append(PaymentEvent(**common, refunded_total=int(obj.get("amount_refunded") or 0)))
    return events


def _refund_ref(metadata: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(metadata["refund_id"]))
    except (KeyError, TypeError, ValueError):
        return None


def _invoice_paid(event_id: str, obj: dict[str, Any]) -> list[PaymentEvent]:
    """The first invoice pays our payment; a cycle invoice is the subscription renewing."""
    reason = obj.get("billing_reason")
    if reason not in ("subscription_create", "subscription_cycle"):
        return []
    parent = (obj.get("parent") or {}).get("subscription_details") or {}
    details = parent or obj.get("subscription_details") or {}
    subscription = _id(parent.get("subscription") or obj.get("subscription"))
    intent, invoice = _id(obj.get("payment_intent")), _id(obj.get("id"))
    amount, currency = _money(obj, "amount_paid")
    renewal = reason == "subscription_cycle"
    # a renewal is a charge of its own: the invoice names it (the subscription names the first)
    ids = (invoice, intent) if renewal else (subscription, intent, invoice)
    return [
        PaymentEvent(
            provider_event_id=event_id,
            kind=EventKind.RENEWED if renewal else EventKind.SUCCEEDED,
            payment_id=_our_id(details.get("metadata")),
            provider_refs=tuple(r for r in ids if r),
            reference=intent,
            amount=amount,
            currency=currency,
            subscription_ref=subscription,
        )
    ]


def _subscription_deleted(event_id: str, obj: dict[str, Any]) -> list[PaymentEvent]:
    """The subscription ended at Stripe (canceled, or unpaid after the retries): no renewals."""
    details = obj.get("cancellation_details") or {}
    return [
        PaymentEvent(
            provider_event_id=event_id,
            kind=EventKind.RECURRING_ENDED,
            payment_id=_our_id(obj.get("metadata")),
            subscription_ref=_id(obj.get("id")),
            reason=str(details.get("reason") or obj.get("status") or "canceled"),
        )
    ]


_PARSERS: dict[str, Callable[[str, dict[str, Any]], list[PaymentEvent]]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": lambda e, o: _session_event(
        e, o, EventKind.SUCCEEDED
    ),
    "checkout.session.async_payment_failed": lambda e, o: _session_event(e, o, EventKind.FAILED),
    "checkout.session.expired": lambda e, o: _session_event(e, o, EventKind.CANCELED),
    "payment_intent.succeeded": _intent_event(EventKind.SUCCEEDED),
    "payment_intent.payment_failed": _intent_event(EventKind.FAILED),
    "charge.refunded": _charge_refunded,
    "invoice.paid": _invoice_paid,
    "customer.subscription.deleted": _subscription_deleted,
}
