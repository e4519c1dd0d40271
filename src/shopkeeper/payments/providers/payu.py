"""PayU (REST API v2.1, Poland): orders with a redirect, signed notifications, refunds.

Every call first takes an OAuth token (`POST /pl/standard/user/oauth/authorize`, form
`grant_type=client_credentials`, the shop's client id and secret) and sends it as a Bearer
token. An order is JSON with amounts as strings of minor units (`"2500"`) and our payment id
as `extOrderId`; PayU answers 302 (or 201) with the payer's `redirectUri`, which we return
instead of following. Notifications carry `OpenPayu-Signature: sender=checkout;signature=<hex>;
algorithm=MD5|SHA-256;content=DOCUMENT`, the hash of the raw body followed by the shop's
second key; any other algorithm is refused. Order notifications (PENDING, WAITING_FOR_
CONFIRMATION, COMPLETED, CANCELED) and refund notifications (FINALIZED, CANCELED) are
deduplicated on "<orderId or refundId>:<status>". Our refund id travels as `extRefundId`.
`customerIp` is the payer's address when the request that started the payment came from
one (else the loopback address), `buyer.email` the customer's email when known; the
notification URL is the account's `notify_url` (the webhook URL the gateway page shows) or,
when empty, the one configured on the POS in PayU's panel.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

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

SIGNATURE_HEADER = "openpayu-signature"
AUTHORIZE_PATH = "/pl/standard/user/oauth/authorize"
ORDERS_PATH = "/api/v2_1/orders"
CUSTOMER_IP = "127.0.0.1"
_HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA256": hashlib.sha256,
}
_ORDER_KINDS = {
    "COMPLETED": EventKind.SUCCEEDED,
    "WAITING_FOR_CONFIRMATION": EventKind.WAITING_FOR_CAPTURE,
    "CANCELED": EventKind.CANCELED,
}
_REFUND_STATUS = {
    "PENDING": RefundStatus.PENDING,
    "FINALIZED": RefundStatus.SUCCEEDED,
    "CANCELED": RefundStatus.FAILED,
}


class PayUConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pos_id: str = Field(pattern=r"^[0-9]{3,12}$")
    second_key: str = Field(pattern=r"^[A-Za-z0-9]{16,64}$")
    client_id: str = Field(pattern=r"^[0-9]{3,12}$")
    client_secret: str = Field(pattern=r"^[A-Za-z0-9]{16,64}$")
    notify_url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)


def signature_header(body: bytes, second_key: str, algorithm: str = "MD5") -> str:
    """The `OpenPayu-Signature` value PayU sends with `body`."""
    digest = _HASHES[algorithm](body + second_key.encode()).hexdigest()
    return f"sender=checkout;signature={digest};algorithm={algorithm};content=DOCUMENT"


def verify_signature(value: str | None, body: bytes, second_key: str) -> None:
    """Check an `OpenPayu-Signature` header against the raw body; WebhookSignatureInvalid if not."""
    if not value:
        raise WebhookSignatureInvalid("The OpenPayu-Signature header is missing")
    if not second_key:
        raise WebhookSignatureInvalid("No second key is configured for PayU")
    parts = dict(p.strip().partition("=")[::2] for p in value.split(";") if "=" in p)
    algorithm = parts.get("algorithm", "").upper()
    if algorithm not in _HASHES:
        raise WebhookSignatureInvalid(f"Unsupported signature algorithm {algorithm[:20]!r}")
    expected = _HASHES[algorithm](body + second_key.encode()).hexdigest()
    if not hmac.compare_digest(expected, parts.get("signature", "").strip().lower()):
        raise WebhookSignatureInvalid("The signature does not match the body")


class PayUProvider(PaymentProvider):
    name = "payu"
    config_model = PayUConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"second_key", "client_secret"})
    signature_headers = (SIGNATURE_HEADER,)
    verifies_offline = True

    async def _call(
        self, account: GatewayCredentials, method: str, path: str, body: Any = None
    ) -> dict[str, Any]:
        async with self.http.client(self.settings.payu_api_url) as client:
            token = await self._token(client, account)
            headers = {"Authorization": f"Bearer {token}"}
            request = client.build_request(method, path, json=body, headers=headers)
            result = await send(client, self.name, request)
        if not isinstance(result, dict):
            raise GatewayError("PayU answered with something that is not an object")
        return result

    async def _token(self, client: Any, account: GatewayCredentials) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": str(account.config["client_id"]),
            "client_secret": str(account.config["client_secret"]),
        }
        answer = await send(
            client, self.name, client.build_request("POST", AUTHORIZE_PATH, data=form)
        )
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise GatewayError("PayU answered the authorisation without an access token")
        return str(token)

    async def create_payment(
        self, account: GatewayCredentials, request: PaymentRequest, *, idempotency_key: str
    ) -> PaymentStart:
        body: dict[str, Any] = {
            "continueUrl": request.return_url,
            "customerIp": request.payer_ip or CUSTOMER_IP,
            "merchantPosId": str(account.config["pos_id"]),
            "description": request.description[:4000],
            "currencyCode": request.currency,
            "totalAmount": str(request.amount),
            "extOrderId": str(request.payment_id),
            "products": [
                {
                    "name": request.description[:255],
                    "unitPrice": str(request.amount),
                    "quantity": "1",
                }
            ],
        }
        if request.payer_email:
            body["buyer"] = {"email": request.payer_email, "language": "pl"}
        if account.config.get("notify_url"):
            body["notifyUrl"] = str(account.config["notify_url"])
        order = await self._call(account, "POST", ORDERS_PATH, body)
        _check_success(order)
        if not order.get("orderId") or not order.get("redirectUri"):
            raise GatewayError("PayU answered without an order id and redirect URI")
        return PaymentStart(
            provider_payment_id=str(order["orderId"]), redirect_url=str(order["redirectUri"])
        )

    def claimed_event_id(self, body: bytes, headers: Mapping[str, str]) -> str | None:
        try:
            return _event_id(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    async def parse_webhook(
        self, account: GatewayCredentials, request: WebhookRequest
    ) -> list[PaymentEvent]:
        verify_signature(
            request.headers.get(SIGNATURE_HEADER),
            request.body,
            str(account.config.get("second_key", "")),
        )
        try:
            note = json.loads(request.body)
            event_id = _event_id(note)
            if "refund" in note:
                return _refund_facts(event_id, note)
            return order_facts(event_id, note["order"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise WebhookMalformed("Not a PayU notification") from exc

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
            "refund": {
                "description": (reason or "Refund")[:255],
                "amount": str(amount),
                "extRefundId": idempotency_key,
            }
        }
        answer = await self._call(account, "POST", self._order_path(payment) + "/refunds", body)
        _check_success(answer)
        refund = answer.get("refund") or {}
        if not refund.get("refundId"):
            raise GatewayError("PayU answered the refund without a refund id")
        status = _REFUND_STATUS.get(str(refund.get("status")), RefundStatus.PENDING)
        return RefundStart(str(refund["refundId"]), status, int(refund.get("amount", amount)))

    async def fetch_payment(
        self, account: GatewayCredentials, payment: PaymentHandle
    ) -> list[PaymentEvent]:
        if not payment.provider_payment_id:
            return []
        answer = await self._call(account, "GET", self._order_path(payment))
        found = (answer.get("orders") or [{}])[0]
        try:
            return order_facts(f"fetch:{found['orderId']}:{found['status']}", found)
        except (KeyError, TypeError, ValueError) as exc:
            raise GatewayError("PayU answered with an order it does not describe") from exc

    async def capture(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        body = {"orderId": payment.provider_payment_id, "orderStatus": "COMPLETED"}
        _check_success(
            await self._call(account, "PUT", self._order_path(payment) + "/status", body)
        )
        return []  # the COMPLETED notification follows

    async def cancel(
        self, account: GatewayCredentials, payment: PaymentHandle, *, idempotency_key: str
    ) -> list[PaymentEvent]:
        _check_success(await self._call(account, "DELETE", self._order_path(payment)))
        return []  # the CANCELED notification follows

    @staticmethod
    def _order_path(payment: PaymentHandle) -> str:
        if not payment.provider_payment_id:
            raise GatewayError("This payment has no PayU order yet")
        return f"{ORDERS_PATH}/{payment.provider_payment_id}"


def _check_success(answer: Mapping[str, Any]) -> None:
    code = (answer.get("status") or {}).get("statusCode")
    if code != "SUCCESS":
        raise GatewayError(f"PayU did not accept the request: {str(code)[:100]}")


def _event_id(note: Mapping[str, Any]) -> str:
    if "refund" in note:
        refund = note["refund"]
        return f"refund:{refund['refundId']}:{refund['status']}"[:200]
    order = note["order"]
    return f"{order['orderId']}:{order['status']}"[:200]


def _our_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def order_facts(event_id: str, order: Mapping[str, Any]) -> list[PaymentEvent]:
    """What an order in the state PayU states says has happened (PENDING, NEW: nothing yet)."""
    kind = _ORDER_KINDS.get(str(order["status"]))
    if kind is None:
        return []
    return [
        PaymentEvent(
            provider_event_id=event_id,
            kind=kind,
            payment_id=_our_id(order.get("extOrderId")),
            provider_refs=(str(order["orderId"]),),
            amount=int(order["totalAmount"]),
            currency=str(order["currencyCode"]).upper(),
            reason="canceled at PayU" if kind is EventKind.CANCELED else None,
        )
    ]


def _refund_facts(event_id: str, note: Mapping[str, Any]) -> list[PaymentEvent]:
    refund = note["refund"]
    if refund["status"] != "FINALIZED":
        return []  # a refund PayU gave up on moves no money
    return [
        PaymentEvent(
            provider_event_id=event_id,
            kind=EventKind.REFUNDED,
            payment_id=_our_id(note.get("extOrderId")),
            provider_refs=(str(note["orderId"]),),
            amount=int(refund["amount"]),
            currency=str(refund["currencyCode"]).upper(),
            refund_id=str(refund["refundId"]),
            our_refund_id=_our_id(refund.get("extRefundId")),
        )
    ]
