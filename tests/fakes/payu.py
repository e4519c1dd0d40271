"""A fake PayU REST API v2.1: OAuth tokens, orders, confirmation, cancel, refunds, notifications.

It speaks PayU's wire format: a form-encoded `client_credentials` grant answered with
`{"access_token", "token_type": "bearer", "expires_in"}`; JSON orders with amounts as strings
of minor units, answered `302 Found` with the order JSON (and a Location header a client must
not follow); status objects `{"status": {"statusCode": "SUCCESS" | "ERROR_…"}}`; and
notifications signed `OpenPayu-Signature: sender=checkout;signature=<hex of hash(body + second
key)>;algorithm=MD5|SHA-256;content=DOCUMENT`. Tests drive the payer's and the panel's side
(`complete`, `wait_for_confirmation`, `refund_in_panel`, `finalize_refund`) and deliver the
returned notifications to our endpoint in any order, as often as they like.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

POS_ID = "401234"
CLIENT_ID = "401234"
CLIENT_SECRET = "c1e9f0a7b2d34e5f8a9b0c1d2e3f4a5b"
SECOND_KEY = "5f2a9c7e1b3d4f6a8c0e2b4d6f8a0c2e"
REDIRECT_BASE = "https://merch-prod.snd.payu.com/pay/"
_HASH = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256, "SHA256": hashlib.sha256}


def sign(body: bytes, second_key: str, algorithm: str = "MD5") -> str:
    """The `OpenPayu-Signature` header PayU sends (SHA1 too, to prove it is refused)."""
    hasher = _HASH.get(algorithm, hashlib.sha1)
    digest = hasher(body + second_key.encode()).hexdigest()
    return f"sender=checkout;signature={digest};algorithm={algorithm};content=DOCUMENT"


@dataclass
class Delivery:
    """One notification as PayU would POST it."""

    body: bytes
    headers: dict[str, str]

    def tampered(self) -> Delivery:
        """The same signature over a changed body (an attacker's edit)."""
        note = json.loads(self.body)
        note.setdefault("order", {})["totalAmount"] = "1"
        return Delivery(json.dumps(note).encode(), self.headers)

    def resigned(self, second_key: str, algorithm: str) -> Delivery:
        return Delivery(self.body, {**self.headers, "OpenPayu-Signature": sign(
            self.body, second_key, algorithm)})  # fmt: skip


@dataclass
class FakePayU:
    clock: Callable[[], datetime]
    pos_id: str = POS_ID
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    second_key: str = SECOND_KEY
    algorithm: str = "MD5"
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, Any, dict[str, str]]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/pl/standard/user/oauth/authorize", self._authorize, methods=["POST"]),
                Route("/api/v2_1/orders", self._api(self._create_order), methods=["POST"]),
                Route("/api/v2_1/orders/{id}", self._api(self._get_order), methods=["GET"]),
                Route("/api/v2_1/orders/{id}", self._api(self._cancel), methods=["DELETE"]),
                Route("/api/v2_1/orders/{id}/status", self._api(self._confirm), methods=["PUT"]),
                Route("/api/v2_1/orders/{id}/refunds", self._api(self._refund), methods=["POST"]),
            ]
        )

    def _stamp(self) -> str:
        return self.clock().isoformat(timespec="milliseconds")

    async def _authorize(self, request: Request) -> JSONResponse:
        form = dict(await request.form())
        self.requests.append(("POST", request.url.path, form, dict(request.headers)))
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            body = {"error": "invalid_client", "error_description": "Bad client credentials"}
            return JSONResponse(body, status_code=401)
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": 43199})

    def _api(
        self, handler: Callable[[Request, Any], Awaitable[JSONResponse]]
    ) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            auth = request.headers.get("authorization", "")
            if auth.removeprefix("Bearer ") not in self.tokens:
                return _status(401, "UNAUTHORIZED", "Invalid access token")
            body = json.loads(await request.body() or b"null")
            self.requests.append((request.method, request.url.path, body, dict(request.headers)))
            return await handler(request, body)

        return endpoint

    async def _create_order(self, request: Request, body: Any) -> JSONResponse:
        missing = [k for k in ("customerIp", "merchantPosId", "description", "currencyCode",
                               "totalAmount", "products") if not body.get(k)]  # fmt: skip
        if missing or not str(body["totalAmount"]).isdigit():
            return _status(400, "ERROR_VALUE_MISSING", f"Missing or invalid: {missing}")
        if body["merchantPosId"] != self.pos_id:
            return _status(400, "ERROR_VALUE_INVALID", "Wrong merchantPosId")
        if any(o["extOrderId"] == body.get("extOrderId") for o in self.orders.values()):
            return _status(400, "ERROR_ORDER_NOT_UNIQUE", "Order with this extOrderId exists")
        order_id = secrets.token_hex(10).upper()
        self.orders[order_id] = {
            "orderId": order_id, "extOrderId": body.get("extOrderId"), "status": "NEW",
            "totalAmount": body["totalAmount"], "currencyCode": body["currencyCode"],
            "description": body["description"], "notifyUrl": body.get("notifyUrl"),
            "orderCreateDate": self._stamp(), "refunded": 0,
        }  # fmt: skip
        redirect = f"{REDIRECT_BASE}?orderId={order_id}&token={secrets.token_hex(8)}"
        answer = {"status": {"statusCode": "SUCCESS"}, "redirectUri": redirect,
                  "orderId": order_id, "extOrderId": body.get("extOrderId")}  # fmt: skip
        return JSONResponse(answer, status_code=302, headers={"Location": redirect})

    async def _get_order(self, request: Request, body: Any) -> JSONResponse:
        order = self.orders.get(request.path_params["id"])
        if order is None:
            return _status(404, "DATA_NOT_FOUND", "Order not found")
        return JSONResponse({"orders": [_public(order)], "status": {"statusCode": "SUCCESS"}})

    async def _confirm(self, request: Request, body: Any) -> JSONResponse:
        order = self.orders.get(request.path_params["id"])
        if order is None or body.get("orderStatus") != "COMPLETED":
            return _status(400, "ERROR_VALUE_INVALID", "Cannot change the order status")
        if order["status"] != "WAITING_FOR_CONFIRMATION":
            return _status(400, "ERROR_ORDER_NOT_UNIQUE", "Order is not waiting for confirmation")
        order["status"] = "COMPLETED"
        return _status(200, "SUCCESS", "Status was updated")

    async def _cancel(self, request: Request, body: Any) -> JSONResponse:
        order = self.orders.get(request.path_params["id"])
        if order is None or order["status"] == "COMPLETED":
            return _status(400, "ERROR_VALUE_INVALID", "Cannot cancel the order")
        order["status"] = "CANCELED"
        return JSONResponse({"orderId": order["orderId"], "status": {"statusCode": "SUCCESS"}})

    async def _refund(self, request: Request, body: Any) -> JSONResponse:
        order = self.orders.get(request.path_params["id"])
        if order is None or order["status"] != "COMPLETED":
            return _status(400, "ERROR_VALUE_INVALID", "Order is not completed")
        asked = (body or {}).get("refund") or {}
        left = int(order["totalAmount"]) - order["refunded"]
        amount = int(asked.get("amount", left))
        if not 0 < amount <= left:
            return _status(400, "ERROR_VALUE_INVALID", "NO_BALANCE: refund exceeds the order")
        refund = self._new_refund(order, amount, asked.get("extRefundId"), "PENDING")
        return JSONResponse({"orderId": order["orderId"], "refund": refund,
                             "status": {"statusCode": "SUCCESS"}})  # fmt: skip

    def _new_refund(
        self, order: dict[str, Any], amount: int, ext_id: str | None, status: str
    ) -> dict[str, Any]:
        refund = {"refundId": str(5000000000 + len(self.refunds)), "extRefundId": ext_id,
                  "amount": str(amount), "currencyCode": order["currencyCode"],
                  "description": "Refund", "creationDateTime": self._stamp(), "status": status,
                  "statusDateTime": self._stamp()}  # fmt: skip
        self.refunds[refund["refundId"]] = {**refund, "_order": order["orderId"]}
        order["refunded"] += amount
        return refund

    # -- the payer's and the panel's side ---------------------------------------------------
    def by_ext(self, ext_order_id: str) -> dict[str, Any]:
        return next(o for o in self.orders.values() if o["extOrderId"] == ext_order_id)

    def complete(self, order_id: str) -> Delivery:
        """The payer pays (auto-receive on): the COMPLETED notification."""
        return self.set_status(order_id, "COMPLETED")

    def wait_for_confirmation(self, order_id: str) -> Delivery:
        """The payer pays, auto-receive off: the shop must confirm."""
        return self.set_status(order_id, "WAITING_FOR_CONFIRMATION")

    def set_status(self, order_id: str, status: str) -> Delivery:
        self.orders[order_id]["status"] = status
        return self.order_notification(order_id)

    def order_notification(self, order_id: str) -> Delivery:
        order = _public(self.orders[order_id])
        properties = [{"name": "PAYMENT_ID", "value": "5000000001"}]
        return self.notify(
            {"order": order, "localReceiptDateTime": self._stamp(), "properties": properties}
        )

    def refund_in_panel(self, order_id: str, amount: int) -> Delivery:
        """A refund made in PayU's panel, finalised at once."""
        order = self.orders[order_id]
        refund = self._new_refund(order, amount, None, "FINALIZED")
        return self.refund_notification(refund["refundId"])

    def finalize_refund(self, refund_id: str) -> Delivery:
        self.refunds[refund_id]["status"] = "FINALIZED"
        return self.refund_notification(refund_id)

    def refund_notification(self, refund_id: str) -> Delivery:
        refund = dict(self.refunds[refund_id])
        order = self.orders[refund.pop("_order")]
        return self.notify({"orderId": order["orderId"], "extOrderId": order["extOrderId"],
                            "refund": refund})  # fmt: skip

    def notify(self, note: dict[str, Any]) -> Delivery:
        body = json.dumps(note).encode()
        return Delivery(body, {
            "OpenPayu-Signature": sign(body, self.second_key, self.algorithm),
            "Content-Type": "application/json;charset=UTF-8",
        })  # fmt: skip


def _public(order: dict[str, Any]) -> dict[str, Any]:
    keys = ("orderId", "extOrderId", "orderCreateDate", "notifyUrl", "description",
            "currencyCode", "totalAmount", "status")  # fmt: skip
    return {k: order[k] for k in keys}


def _status(code: int, status: str, desc: str) -> JSONResponse:
    return JSONResponse({"status": {"statusCode": status, "statusDesc": desc}}, status_code=code)
