"""A fake YooKassa API v3: payments, capture, cancel, refunds, notifications.

It speaks YooKassa's wire format: JSON bodies, Basic auth `shop_id:secret_key`, a required
`Idempotence-Key` on POST (same key → same answer), amounts as `{"value": "10.00",
"currency": "RUB"}`, errors `{"type": "error", "code", "description"}`. Notifications are
unsigned `{"type": "notification", "event", "object"}` bodies, which is why the receiver
must read the object again through GET /payments/{id} or /refunds/{id}.

Autopayments: a payment made with `save_payment_method: true` saves its method (its
`payment_method.id`, `saved: true`); POST /payments with `payment_method_id` and no
confirmation charges it at once — succeeded, or canceled with `cancellation_details` when
the test made the card decline (`decline`).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SHOP_ID = "506751"
SECRET_KEY = "test_fakeYooKassaSecret0123"
FEE_PERCENT = Decimal("3.5")


def _value(amount: dict[str, str]) -> Decimal:
    return Decimal(amount["value"])


def _amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{value:.2f}", "currency": currency}


@dataclass
class FakeYooKassa:
    clock: Callable[[], datetime]
    shop_id: str = SHOP_ID
    secret_key: str = SECRET_KEY
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)  # saved payment methods
    declines: dict[str, str] = field(default_factory=dict)  # method id → cancellation reason
    requests: list[tuple[str, str, Any, dict[str, str]]] = field(default_factory=list)
    _replays: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v3/payments", self._create_payment, methods=["POST"]),
                Route("/v3/payments/{id}", self._get_payment, methods=["GET"]),
                Route("/v3/payments/{id}/capture", self._capture, methods=["POST"]),
                Route("/v3/payments/{id}/cancel", self._cancel, methods=["POST"]),
                Route("/v3/refunds", self._create_refund, methods=["POST"]),
                Route("/v3/refunds/{id}", self._get_refund, methods=["GET"]),
            ]
        )

    def _stamp(self) -> str:
        return self.clock().isoformat().replace("+00:00", ".000Z")

    async def _call(self, request: Request, handler: Callable[[Any], Any]) -> JSONResponse:
        token = base64.b64encode(f"{self.shop_id}:{self.secret_key}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {token}":
            return _error(401, "invalid_credentials", "Authentication by given credentials failed")
        body = json.loads(await request.body() or b"null")
        self.requests.append((request.method, request.url.path, body, dict(request.headers)))
        if request.method == "GET":
            return _answer(handler(body))
        key = request.headers.get("idempotence-key")
        if not key:
            return _error(400, "invalid_request", "Idempotence key isn't specified")
        replay_key = f"{request.url.path}:{key}"
        if replay_key in self._replays:
            seen, response = self._replays[replay_key]
            if seen != body:
                return _error(400, "invalid_request", "Idempotence key duplicated")
            return _answer(response)
        response = handler(body)
        self._replays[replay_key] = (body, response)
        return _answer(response)

    async def _create_payment(self, request: Request) -> JSONResponse:
        return await self._call(request, self._new_payment)

    def _new_payment(self, body: dict[str, Any]) -> dict[str, Any]:
        if body and "amount" in body and body.get("payment_method_id"):
            return self._autopayment(body)
        if (
            not body
            or "amount" not in body
            or (body.get("confirmation") or {}).get("type") != "redirect"
        ):
            return {
                "_status": 400,
                "type": "error",
                "code": "invalid_request",
                "description": "Bad payment",
            }
        payment_id = str(uuid.uuid4())
        payment = {
            "id": payment_id,
            "status": "pending",
            "paid": False,
            "amount": body["amount"],
            "description": body.get("description", ""),
            "recipient": {"account_id": self.shop_id, "gateway_id": "1000001"},
            "created_at": self._stamp(),
            "test": True,
            "refundable": False,
            "confirmation": {
                "type": "redirect",
                "return_url": body["confirmation"]["return_url"],
                "confirmation_url": f"https://yoomoney.ru/checkout/payments/v2/contract?orderId={payment_id}",
            },
            "metadata": body.get("metadata", {}),
            "_capture": body.get("capture", False),
            "_save": body.get("save_payment_method", False),
        }
        self.payments[payment_id] = payment
        return _public(payment)

    def _autopayment(self, body: dict[str, Any]) -> dict[str, Any]:
        """A payment from a saved method: no confirmation, answered settled at once."""
        method = self.methods.get(str(body["payment_method_id"]))
        if method is None or "confirmation" in body:
            return {
                "_status": 400,
                "type": "error",
                "code": "invalid_request",
                "parameter": "payment_method_id",
                "description": "Payment method is not found or not saved",
            }
        payment_id = str(uuid.uuid4())
        payment = {
            "id": payment_id,
            "status": "pending",
            "paid": False,
            "amount": body["amount"],
            "description": body.get("description", ""),
            "recipient": {"account_id": self.shop_id, "gateway_id": "1000001"},
            "created_at": self._stamp(),
            "test": True,
            "refundable": False,
            "metadata": body.get("metadata", {}),
            "_capture": body.get("capture", False),
            "_save": True,
            "_method": method,
        }
        self.payments[payment_id] = payment
        reason = self.declines.get(method["id"])
        if reason is None:
            self._move(payment, "succeeded" if payment["_capture"] else "waiting_for_capture")
        else:
            self._move(payment, "canceled")
            payment["cancellation_details"] = {"party": "issuer", "reason": reason}
        return _public(payment)

    def decline(self, method_id: str, reason: str = "insufficient_funds") -> None:
        """From now on the issuer declines charges of this saved method."""
        self.declines[method_id] = reason

    def autopayments(self) -> list[dict[str, Any]]:
        """The charges of saved methods made so far."""
        return [_public(p) for p in self.payments.values() if "_method" in p]

    async def _get_payment(self, request: Request) -> JSONResponse:
        found = self.payments.get(request.path_params["id"])
        return await self._call(request, lambda _b: _public(found) if found else _missing())

    async def _capture(self, request: Request) -> JSONResponse:
        found = self.payments.get(request.path_params["id"])
        return await self._call(request, lambda _b: self._settle(found, "succeeded"))

    async def _cancel(self, request: Request) -> JSONResponse:
        found = self.payments.get(request.path_params["id"])
        return await self._call(request, lambda _b: self._settle(found, "canceled"))

    def _settle(self, payment: dict[str, Any] | None, status: str) -> dict[str, Any]:
        if payment is None:
            return _missing()
        if payment["status"] != "waiting_for_capture":
            return {
                "_status": 400,
                "type": "error",
                "code": "invalid_request",
                "description": f"Payment is in {payment['status']} status",
            }
        self._move(payment, status)
        return _public(payment)

    async def _create_refund(self, request: Request) -> JSONResponse:
        return await self._call(request, self._new_refund)

    def _new_refund(self, body: dict[str, Any]) -> dict[str, Any]:
        payment = self.payments.get(body.get("payment_id", ""))
        if payment is None or payment["status"] != "succeeded":
            return {
                "_status": 400,
                "type": "error",
                "code": "invalid_request",
                "description": "Payment can't be refunded",
            }
        return _public(self._refund(payment, _value(body["amount"])))

    async def _get_refund(self, request: Request) -> JSONResponse:
        found = self.refunds.get(request.path_params["id"])
        return await self._call(request, lambda _b: _public(found) if found else _missing())

    # -- the customer's and the merchant's side -------------------------------------------------
    def _move(self, payment: dict[str, Any], status: str) -> None:
        payment["status"] = status
        if status == "succeeded":
            amount = _value(payment["amount"])
            fee = (amount * FEE_PERCENT / 100).quantize(Decimal("0.01"))
            payment.update(
                paid=True,
                refundable=True,
                captured_at=self._stamp(),
                income_amount=_amount(amount - fee, payment["amount"]["currency"]),
            )
        if status == "waiting_for_capture":
            payment["paid"] = True
        if status in ("succeeded", "waiting_for_capture") or "_method" in payment:
            method = payment.get("_method") or {
                "type": "bank_card",
                "id": payment["id"],
                "saved": payment["_save"],
                "title": "Bank card *4444",
                "card": {"last4": "4444", "card_type": "MasterCard"},
            }
            payment["payment_method"] = method
            if method["saved"]:
                self.methods[method["id"]] = method
        if status == "canceled":
            payment["cancellation_details"] = {
                "party": "merchant",
                "reason": "canceled_by_merchant",
            }

    def pay(self, payment_id: str) -> bytes:
        """The customer confirms: succeeded, or waiting_for_capture for two-step payments."""
        payment = self.payments[payment_id]
        status = "succeeded" if payment["_capture"] else "waiting_for_capture"
        self._move(payment, status)
        return self.notification(f"payment.{status}", payment)

    def cancel(self, payment_id: str) -> bytes:
        payment = self.payments[payment_id]
        self._move(payment, "canceled")
        payment["cancellation_details"] = {
            "party": "yoo_money",
            "reason": "expired_on_confirmation",
        }
        return self.notification("payment.canceled", payment)

    def _refund(self, payment: dict[str, Any], value: Decimal) -> dict[str, Any]:
        currency = payment["amount"]["currency"]
        refund = {
            "id": str(uuid.uuid4()),
            "payment_id": payment["id"],
            "status": "succeeded",
            "created_at": self._stamp(),
            "amount": _amount(value, currency),
        }
        self.refunds[refund["id"]] = refund
        refunded = _value(payment.get("refunded_amount") or _amount(Decimal(0), currency)) + value
        payment["refunded_amount"] = _amount(refunded, currency)
        return refund

    def refund_in_dashboard(self, payment_id: str, value: str) -> bytes:
        refund = self._refund(self.payments[payment_id], Decimal(value))
        return self.notification("refund.succeeded", refund)

    def notification(self, event: str, obj: dict[str, Any]) -> bytes:
        return json.dumps({"type": "notification", "event": event, "object": _public(obj)}).encode()

    def by_order(self, order_id: str) -> dict[str, Any]:
        return next(p for p in self.payments.values() if p["metadata"].get("order_id") == order_id)


def _missing() -> dict[str, Any]:
    return {"_status": 404, "type": "error", "code": "not_found", "description": "Object not found"}


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _answer(payload: dict[str, Any]) -> JSONResponse:
    payload = dict(payload)
    status = payload.pop("_status", 200)
    if status != 200:
        payload = {"id": str(uuid.uuid4()), **payload}
    return JSONResponse(payload, status_code=status)


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"type": "error", "id": str(uuid.uuid4()), "code": code, "description": description},
        status_code=status,
    )
