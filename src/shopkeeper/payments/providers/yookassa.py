"""YooKassa (API v3): payments with redirect confirmation, two-step capture, refunds.

Requests are JSON with Basic auth (shop id : secret key) and an `Idempotence-Key`; amounts
are decimal strings (`{"value": "10.00", "currency": "RUB"}`). Notifications
(`{"type": "notification", "event": "payment.succeeded", "object": {...}}`) carry no
signature, so nothing in one is believed: the object is read again from the API
(GET /payments/{id}, GET /refunds/{id}) and the facts come from that answer. A claim the
API contradicts (succeeded, but the payment is pending) is refused as forged; an older claim
overtaken by events (waiting_for_capture, but already succeeded) is fine. An optional
allowlist of sender networks (`ip_allowlist`) is checked first. YooKassa has no event id:
the deduplication key is "<event>:<object id>". Plans renew by autopayments: a recurring
payment asks `save_payment_method`, the saved `payment_method.id` is charged again later
(`payment_method_id`, no confirmation).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shopkeeper.kit.money import minor_digits
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
    WebhookSignatureInvalid,
)
from shopkeeper.payments.providers.http import ProviderObjectNotFound, send

# Which payment statuses each notification may find when the payment is read again.
_CONSISTENT = {
    "payment.waiting_for_capture": {"waiting_for_capture", "succeeded", "canceled"},
    "payment.succeeded": {"succeeded"},
    "payment.canceled": {"canceled"},
}
_REFUND_STATUS = {"succeeded": RefundStatus.SUCCEEDED, "pending": RefundStatus.PENDING}


class YooKassaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shop_id: str = Field(pattern=r"^[0-9]{3,12}$")
    secret_key: str = Field(pattern=r"^(test|live)_[A-Za-z0-9_-]{8,}$")
    capture: bool = True  # False: two-step, we capture after checking the order
    ip_allowlist: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("ip_allowlist")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        try:
            return [str(ipaddress.ip_network(v.strip(), strict=False)) for v in value]
        except ValueError as exc:
            raise ValueError(f"not an IP network: {exc}") from exc


def to_value(amount: int, currency: str) -> dict[str, str]:
    """Minor units → YooKassa's amount object ("10.00")."""
    digits = minor_digits(currency)
    return {"value": f"{Decimal(amount).scaleb(-digits):.{digits}f}", "currency": currency}


def from_value(amount: Any) -> tuple[int, str]:
    """YooKassa's amount object → minor units and currency; exact or WebhookMalformed."""
    try:
        currency = str(amount["currency"]).upper()
        value = Decimal(str(amount["value"])).scaleb(minor_digits(currency))
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise WebhookMalformed("Not a YooKassa amount") from exc
    if value != value.to_integral_value():
        raise WebhookMalformed("The amount has more digits than its currency")
    return int(value), currency


class YooKassaProvider(PaymentProvider):
    name = "yookassa"
    config_model = YooKassaConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"secret_key"})
    renews_plans = RenewalMode.SAVED_METHOD

    async def _call(
        self,
        account: GatewayCredentials,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        config = account.config
        token = base64.b64encode(f"{config['shop_id']}:{config['secret_key']}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        if idempotency_key:
            headers["Idempotence-Key"] = idempotency_key
        async with self.http.client(self.settings.yookassa_api_url) as client:
            request = client.build_request(method, path, json=body, headers=headers)
            result = await send(client, self.name, request)
        if not isinstance(result, dict):
            raise GatewayError("YooKassa answered with something that is not an object")
        return result

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        body = {
            "amount": to_value(request.amount, request.currency),
            "capture": bool(account.config.get("capture", True)),
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "description": request.description[:128],
            "metadata": {"order_id": str(request.order_id), "payment_id": str(request.payment_id)},
            "save_payment_method": request.recurring is not None,
        }
        payment = await self._call(account, "POST", "/payments", body, idempotency_key)
        url = (payment.get("confirmation") or {}).get("confirmation_url")
        if not payment.get("id") or not url:
            raise GatewayError("YooKassa answered without a payment id and confirmation URL")
        return PaymentStart(provider_payment_id=str(payment["id"]), redirect_url=str(url))

    async def create_recurring_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, method_reference: str,
        idempotency_key: str,
    ) -> tuple[PaymentStart, list[PaymentEvent]]:  # fmt: skip
        """An autopayment: `payment_method_id` of a saved method, no confirmation asked.

        YooKassa answers at once: succeeded (or waiting_for_capture), canceled with the
        reason (a declined card, a revoked permission), or pending (a notification follows).
        """
        body = {
            "amount": to_value(request.amount, request.currency),
            "capture": bool(account.config.get("capture", True)),
            "payment_method_id": method_reference,
            "description": request.description[:128],
            "metadata": {"order_id": str(request.order_id), "payment_id": str(request.payment_id)},
        }
        payment = await self._call(account, "POST", "/payments", body, idempotency_key)
        if not payment.get("id"):
            raise GatewayError("YooKassa answered without a payment id")
        start = PaymentStart(provider_payment_id=str(payment["id"]))
        return start, payment_facts(f"charge:{payment['id']}:{payment.get('status')}", payment)

    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        try:
            note = json.loads(body)
            return f"{note['event']}:{note['object']['id']}"[:200]
        except (ValueError, KeyError, TypeError):
            return None

    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        _check_sender(account, request.remote_ip)
        event, object_id = _claim(request.body)
        event_id = f"{event}:{object_id}"
        try:
            if event == "refund.succeeded":
                return await self._refund_facts(account, event_id, object_id)
            if event not in _CONSISTENT:
                return []
            payment = await self._call(account, "GET", f"/payments/{object_id}")
        except ProviderObjectNotFound as exc:
            raise WebhookSignatureInvalid("YooKassa does not confirm this notification") from exc
        if payment.get("status") not in _CONSISTENT[event]:
            raise WebhookSignatureInvalid(
                f"YooKassa says the payment is {payment.get('status')}, not as notified"
            )
        return payment_facts(event_id, payment)

    async def _refund_facts(
        self, account: GatewayCredentials, event_id: str, refund_id: str
    ) -> list[PaymentEvent]:
        refund = await self._call(account, "GET", f"/refunds/{refund_id}")
        if refund.get("status") != "succeeded":
            raise WebhookSignatureInvalid("YooKassa says this refund has not succeeded")
        payment = await self._call(account, "GET", f"/payments/{refund['payment_id']}")
        amount, currency = from_value(refund.get("amount"))
        exact = PaymentEvent(
            provider_event_id=event_id,
            kind=EventKind.REFUNDED,
            payment_id=_our_id(payment),
            provider_refs=(str(payment["id"]),),
            amount=amount,
            currency=currency,
            refund_id=str(refund["id"]),
        )
        facts = payment_facts(event_id, payment)
        totals = [f for f in facts if f.refunded_total is not None]
        return [f for f in facts if f.refunded_total is None] + [exact, *totals]

    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        body = {
            "payment_id": payment.provider_payment_id,
            "amount": to_value(amount, payment.currency),
            "description": reason[:250],
        }
        refund = await self._call(account, "POST", "/refunds", body, idempotency_key)
        status = _REFUND_STATUS.get(str(refund.get("status")), RefundStatus.FAILED)
        return RefundStart(str(refund["id"]), status, from_value(refund["amount"])[0])

    async def fetch_payment(
        self, account: GatewayCredentials, payment: PaymentHandle
    ) -> list[PaymentEvent]:
        found = await self._call(account, "GET", f"/payments/{payment.provider_payment_id}")
        return payment_facts(f"fetch:{found['id']}:{found.get('status')}", found)

    async def capture(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        body = {"amount": to_value(payment.amount, payment.currency)}
        path = f"/payments/{payment.provider_payment_id}/capture"
        found = await self._call(account, "POST", path, body, idempotency_key)
        return payment_facts(f"capture:{found['id']}", found)

    async def cancel(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        path = f"/payments/{payment.provider_payment_id}/cancel"
        found = await self._call(account, "POST", path, {}, idempotency_key)
        return payment_facts(f"cancel:{found['id']}", found)


def _check_sender(account: GatewayCredentials, remote_ip: str | None) -> None:
    allowed = account.config.get("ip_allowlist") or []
    if not allowed:
        return
    try:
        address = ipaddress.ip_address(remote_ip or "")
    except ValueError as exc:
        raise WebhookSignatureInvalid("The sender's address is unknown") from exc
    if not any(address in ipaddress.ip_network(n) for n in allowed):
        raise WebhookSignatureInvalid(f"{address} is not an allowed YooKassa sender")


def _claim(body: bytes) -> tuple[str, str]:
    try:
        note = json.loads(body)
        event, object_id = str(note["event"]), str(note["object"]["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookMalformed("Not a YooKassa notification") from exc
    if note.get("type") != "notification" or not object_id or "/" in object_id:
        raise WebhookMalformed("Not a YooKassa notification")
    return event, object_id


def _our_id(payment: Mapping[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str((payment.get("metadata") or {})["payment_id"]))
    except (KeyError, TypeError, ValueError):
        return None


def payment_facts(event_id: str, payment: Mapping[str, Any]) -> list[PaymentEvent]:
    """What a payment object, as the API states it now, says has happened."""
    status = payment.get("status")
    amount, currency = from_value(payment.get("amount"))
    base: dict[str, Any] = {
        "provider_event_id": event_id,
        "payment_id": _our_id(payment),
        "provider_refs": (str(payment["id"]),),
        "currency": currency,
    }
    if status == "waiting_for_capture":
        return [PaymentEvent(**base, kind=EventKind.WAITING_FOR_CAPTURE, amount=amount)]
    if status == "canceled":
        reason = (payment.get("cancellation_details") or {}).get("reason")
        return [PaymentEvent(**base, kind=EventKind.CANCELED, amount=amount, reason=reason)]
    if status != "succeeded":
        return []
    method = payment.get("payment_method") or {}
    facts = [
        PaymentEvent(
            **base,
            kind=EventKind.SUCCEEDED,
            amount=amount,
            fee=_fee(payment, amount),
            payment_method_id=str(method["id"]) if method.get("saved") else None,
        )
    ]
    if payment.get("refunded_amount"):
        total, _ = from_value(payment["refunded_amount"])
        facts.append(PaymentEvent(**base, kind=EventKind.REFUNDED, refunded_total=total))
    return facts


def _fee(payment: Mapping[str, Any], amount: int) -> int | None:
    if not payment.get("income_amount"):
        return None
    income, _ = from_value(payment["income_amount"])
    return amount - income if income <= amount else None
