"""The sandbox gateway: offline, the default. A hosted page at /pay/{payment_id} plays the bank.

Its Pay and Fail buttons build a webhook like a real provider would and hand it to our own
webhook code path, signed `Sandbox-Signature: t=<unix>,v1=<HMAC-SHA256("t.body")>` with the
shop's sandbox secret (generated on first use). Wire format of a webhook body:

    {"id": "evt_sbx_…", "type": "payment.succeeded" | "payment.failed" | "payment.canceled"
     | "refund.succeeded", "created": <unix>, "data": {"payment_id": "<our uuid>",
     "amount": <minor units>, "currency": "EUR", "refund_id": "sbx_re_…", "reason": "…"}}

Refunds succeed at once (no money exists to move).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.kit.crypto import random_token
from shopkeeper.payments.providers import signing
from shopkeeper.payments.providers.base import (
    EventKind,
    GatewayCredentials,
    PaymentEvent,
    PaymentHandle,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    RefundStart,
    RefundStatus,
    WebhookMalformed,
    WebhookRequest,
)
from shopkeeper.settings import Settings

SIGNATURE_HEADER = "sandbox-signature"
_KINDS = {
    "payment.succeeded": EventKind.SUCCEEDED,
    "payment.failed": EventKind.FAILED,
    "payment.canceled": EventKind.CANCELED,
    "refund.succeeded": EventKind.REFUNDED,
}


class SandboxConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook_secret: str = Field(min_length=16, max_length=200)


def new_config() -> dict[str, Any]:
    """A fresh sandbox account's configuration: a random webhook secret."""
    return {"webhook_secret": "sbx_whsec_" + random_token(24)}


def pay_page_url(settings: Settings, payment_id: uuid.UUID) -> str:
    base = (settings.public_url or "").rstrip("/")
    return f"{base}/pay/{payment_id}"


def webhook(
    secret: str,
    *,
    kind: str,
    payment_id: uuid.UUID,
    amount: int,
    currency: str,
    now: datetime,
    refund_id: str | None = None,
    event_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A signed sandbox webhook (body, headers), as the hosted page sends it."""
    if kind not in _KINDS:
        raise ValueError(f"unknown sandbox event type {kind!r}")
    data: dict[str, Any] = {"payment_id": str(payment_id), "amount": amount, "currency": currency}
    if refund_id:
        data["refund_id"] = refund_id
    created = int(now.timestamp())
    event = {
        "id": event_id or f"evt_sbx_{uuid.uuid4().hex}",
        "type": kind,
        "created": created,
        "data": data,
    }
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, {
        SIGNATURE_HEADER: signing.header(secret, created, body),
        "content-type": "application/json",
    }


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    config_model = SandboxConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"webhook_secret"})
    signature_headers = (SIGNATURE_HEADER,)
    verifies_offline = True

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        return PaymentStart(
            provider_payment_id=f"sbx_{request.payment_id.hex}",
            redirect_url=pay_page_url(self.settings, request.payment_id),
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
        return [_event(request.body)]

    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        return RefundStart(f"sbx_re_{digest}", RefundStatus.SUCCEEDED, amount)


def _event(body: bytes) -> PaymentEvent:
    try:
        event = json.loads(body)
        data = event["data"]
        kind = _KINDS[event["type"]]
        payment_id = uuid.UUID(data["payment_id"])
        amount = int(data["amount"])
        currency = str(data["currency"]).upper()
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookMalformed("Not a sandbox webhook body") from exc
    refund_id = data.get("refund_id")
    if kind is EventKind.REFUNDED and not refund_id:
        raise WebhookMalformed("A refund.succeeded event needs data.refund_id")
    return PaymentEvent(
        provider_event_id=str(event["id"]),
        kind=kind,
        payment_id=payment_id,
        provider_refs=(f"sbx_{payment_id.hex}",),
        amount=amount,
        currency=currency,
        refund_id=str(refund_id) if refund_id else None,
        reason=data.get("reason"),
    )
