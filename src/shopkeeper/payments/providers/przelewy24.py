"""Przelewy24 (REST API v1): transaction register, signed notifications, verify, refunds.

Requests are JSON with Basic auth (posId : API key). A transaction is registered with our
payment id as `sessionId` and a `sign`; the customer goes to `{base}/trnRequest/{token}`.
Every `sign` is the SHA-384 hex of a compact JSON object of named fields plus the shop's CRC
key, in a fixed order. A payment notification proves nothing until its sign matches and we
have called `PUT /api/v1/transaction/verify` and P24 answered success: only then is the
payment succeeded; a refused verify fails the processing so P24 delivers again. P24's
`orderId` (the deduplication key of a payment notification) is kept as the payment's
reference, since refunds name it. Refund notifications (status 0 = done) are keyed by
`refund:<requestId>:<refundsUuid>:<status>`; our refund id travels as `requestId`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    WebhookMalformed,
    WebhookRequest,
    WebhookSignatureInvalid,
)
from shopkeeper.payments.providers.http import send

API = "/api/v1/transaction"


class Przelewy24Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merchant_id: int = Field(gt=0, lt=10**10)
    pos_id: int = Field(gt=0, lt=10**10)
    crc: str = Field(pattern=r"^[A-Za-z0-9]{8,64}$")
    api_key: str = Field(pattern=r"^[A-Za-z0-9]{16,64}$")
    # P24 wants a payer address; ours is not always known, so the shop's contact is sent.
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=50)
    language: str = Field(default="pl", pattern=r"^(bg|cs|de|en|es|fr|hr|hu|it|nl|pl|pt|se|sk)$")
    # Our webhook URL (shown with the gateway account); else the one set in P24's panel.
    status_url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=250)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class PaymentNotification(_Strict):
    merchantId: int  # P24 names its fields in camelCase
    posId: int
    sessionId: str
    amount: int
    originAmount: int
    currency: str
    orderId: int
    methodId: int
    statement: str
    sign: str


class RefundNotification(_Strict):
    orderId: int
    sessionId: str
    merchantId: int
    requestId: str
    refundsUuid: str
    amount: int
    currency: str
    timestamp: int
    status: int
    sign: str


def sign(fields: Mapping[str, Any], crc: str) -> str:
    """SHA-384 hex of `{...fields, "crc": crc}` as compact JSON, slashes and unicode as is."""
    text = json.dumps({**fields, "crc": crc}, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode()).hexdigest()


def _check_sign(note: PaymentNotification | RefundNotification, crc: str) -> None:
    fields = note.model_dump(exclude={"sign"})
    if not hmac.compare_digest(sign(fields, crc), note.sign.lower()):
        raise WebhookSignatureInvalid("The Przelewy24 sign does not match the notification")


def _refund_event_id(request_id: Any, refunds_uuid: Any, status: Any) -> str:
    """A refund's notifications differ by status (a failure, then the retried success)."""
    return f"refund:{request_id}:{refunds_uuid}:{status}"[:200]


def _our_id(session_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(session_id)
    except ValueError:
        return None


class Przelewy24Provider(PaymentProvider):
    name = "przelewy24"
    config_model = Przelewy24Config
    secret_fields: ClassVar[frozenset[str]] = frozenset({"crc", "api_key"})

    async def _call(
        self, account: GatewayCredentials, method: str, path: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        config = account.config
        token = base64.b64encode(f"{config['pos_id']}:{config['api_key']}".encode()).decode()
        async with self.http.client(self.settings.przelewy24_api_url) as client:
            request = client.build_request(
                method, API + path, json=body, headers={"Authorization": f"Basic {token}"}
            )
            result = await send(client, self.name, request)
        if not isinstance(result, dict) or result.get("responseCode") != 0:
            raise GatewayError("Przelewy24 answered without responseCode 0")
        return result

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        config = account.config
        signed = {
            "sessionId": str(request.payment_id),
            "merchantId": int(config["merchant_id"]),
            "amount": request.amount,
            "currency": request.currency,
        }
        body: dict[str, Any] = {
            "merchantId": signed["merchantId"],
            "posId": int(config["pos_id"]),
            "sessionId": signed["sessionId"],
            "amount": request.amount,
            "currency": request.currency,
            "description": request.description[:1024],
            "email": request.payer_email or config["email"],
            "country": "PL",
            "language": config.get("language") or "pl",
            "urlReturn": request.return_url,
            "sign": sign(signed, config["crc"]),
        }
        if config.get("status_url"):
            body["urlStatus"] = config["status_url"]
        answer = await self._call(account, "POST", "/register", body)
        token = (answer.get("data") or {}).get("token")
        if not token or not isinstance(token, str) or "/" in token:
            raise GatewayError("Przelewy24 answered without a transaction token")
        base = self.settings.przelewy24_api_url.rstrip("/")
        return PaymentStart(provider_payment_id=token, redirect_url=f"{base}/trnRequest/{token}")

    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        try:
            note = json.loads(body)
            if "refundsUuid" in note:
                return _refund_event_id(note["requestId"], note["refundsUuid"], note["status"])
            return str(note["orderId"])[:200]
        except (ValueError, KeyError, TypeError):
            return None

    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        try:
            raw = json.loads(request.body)
            if isinstance(raw, dict) and "refundsUuid" in raw:
                return self._refund_facts(account, RefundNotification.model_validate(raw))
            note = PaymentNotification.model_validate(raw)
        except (ValueError, ValidationError) as exc:
            raise WebhookMalformed("Not a Przelewy24 notification") from exc
        _check_sign(note, str(account.config["crc"]))
        self._check_account(account, note.merchantId, note.posId)
        await self._verify(account, note)
        return [
            PaymentEvent(
                provider_event_id=str(note.orderId),
                kind=EventKind.SUCCEEDED,
                payment_id=_our_id(note.sessionId),
                provider_refs=(str(note.orderId),),
                reference=str(note.orderId),
                amount=note.amount,
                currency=note.currency,
                extra={"method_id": note.methodId, "statement": note.statement},
            )
        ]

    @staticmethod
    def _check_account(account: GatewayCredentials, merchant_id: int, pos_id: int) -> None:
        config = account.config
        if merchant_id != int(config["merchant_id"]) or pos_id != int(config["pos_id"]):
            raise WebhookSignatureInvalid("The notification is for another Przelewy24 account")

    async def _verify(self, account: GatewayCredentials, note: PaymentNotification) -> None:
        """Confirm the transaction with P24; GatewayError (deliver again) unless it succeeds."""
        signed = {
            "sessionId": note.sessionId,
            "orderId": note.orderId,
            "amount": note.amount,
            "currency": note.currency,
        }
        body = {
            "merchantId": note.merchantId,
            "posId": note.posId,
            **signed,
            "sign": sign(signed, str(account.config["crc"])),
        }
        answer = await self._call(account, "PUT", "/verify", body)
        if (answer.get("data") or {}).get("status") != "success":
            raise GatewayError("Przelewy24 did not confirm the transaction")

    def _refund_facts(
        self, account: GatewayCredentials, note: RefundNotification
    ) -> list[PaymentEvent]:
        _check_sign(note, str(account.config["crc"]))
        if note.merchantId != int(account.config["merchant_id"]):
            raise WebhookSignatureInvalid("The notification is for another Przelewy24 account")
        if note.status != 0:
            return []  # not done: our refund stays pending until P24 reports it done
        return [
            PaymentEvent(
                provider_event_id=_refund_event_id(note.requestId, note.refundsUuid, note.status),
                kind=EventKind.REFUNDED,
                payment_id=_our_id(note.sessionId),
                provider_refs=(str(note.orderId),),
                amount=note.amount,
                currency=note.currency,
                refund_id=note.requestId,
                our_refund_id=_our_id(note.requestId),
            )
        ]

    async def refund(
        self,
        account: GatewayCredentials,
        payment: PaymentHandle,
        *,
        amount: int,
        idempotency_key: str,
        reason: str,
    ) -> RefundStart:
        if not payment.provider_reference or not payment.provider_reference.isdigit():
            raise GatewayError("Przelewy24 has not confirmed this payment's orderId yet")
        item = {
            "orderId": int(payment.provider_reference),
            "sessionId": str(payment.payment_id),
            "amount": amount,
            "description": reason[:100],
        }
        body: dict[str, Any] = {
            "requestId": idempotency_key,
            "refunds": [item],
            "refundsUuid": idempotency_key,
        }
        if account.config.get("status_url"):
            body["urlStatus"] = account.config["status_url"]
        answer = await self._call(account, "POST", "/refund", body)
        results = answer.get("data") or [{}]
        if not isinstance(results, list) or not all(
            isinstance(r, dict) and r.get("status") is True for r in results
        ):
            raise GatewayError("Przelewy24 refused the refund")
        return RefundStart(idempotency_key, RefundStatus.PENDING, amount)
