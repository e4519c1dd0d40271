"""A fake Przelewy24 REST API v1: register, verify, refund, signed notifications.

It speaks P24's wire format: JSON bodies with Basic auth `posId:apiKey`, answers
`{"data": ..., "responseCode": 0}`, errors `{"error": "...", "code": 400}`, and every `sign`
as the SHA-384 hex of compact JSON of fixed fields plus the CRC key. Tests drive the
customer's side (`pay`), the panel (`refund_in_panel`) and P24's refund processing
(`refund_done`), and deliver the returned notification bodies wherever and as often as they
like. `refuse_verify` makes the verify call fail, as P24 does for a transaction it disputes.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

MERCHANT_ID = 123456
POS_ID = 123456
CRC = "a1b2c3d4e5f60718"
API_KEY = "0123456789abcdef0123456789abcdef"
CURRENCIES = {"PLN", "EUR", "GBP", "CZK"}
NOTE_FIELDS = ("merchantId", "posId", "sessionId", "amount", "originAmount", "currency",
               "orderId", "methodId", "statement")  # fmt: skip
REFUND_FIELDS = ("orderId", "sessionId", "merchantId", "requestId", "refundsUuid", "amount",
                 "currency", "timestamp", "status")  # fmt: skip


def p24_sign(values: dict[str, Any], keys: tuple[str, ...], crc: str = CRC) -> str:
    picked = {k: values[k] for k in keys}
    text = json.dumps({**picked, "crc": crc}, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode()).hexdigest()


@dataclass
class FakePrzelewy24:
    clock: Callable[[], datetime]
    merchant_id: int = MERCHANT_ID
    pos_id: int = POS_ID
    crc: str = CRC
    api_key: str = API_KEY
    refuse_verify: bool = False
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)  # by token
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # by requestId
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    _order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(317000001))

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/transaction/register", self._register, methods=["POST"]),
                Route("/api/v1/transaction/verify", self._verify, methods=["PUT"]),
                Route("/api/v1/transaction/refund", self._refund, methods=["POST"]),
                Route("/trnRequest/{token}", self._page, methods=["GET"]),
            ]
        )

    async def _read(self, request: Request) -> dict[str, Any] | Response:
        token = base64.b64encode(f"{self.pos_id}:{self.api_key}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {token}":
            return _error(401, "Incorrect authentication")
        body = json.loads(await request.body() or b"null")
        self.requests.append((request.method, request.url.path, body))
        if not isinstance(body, dict):
            return _error(400, "Invalid input data")
        return body

    async def _register(self, request: Request) -> Response:
        body = await self._read(request)
        if isinstance(body, Response):
            return body
        keys = ("sessionId", "merchantId", "amount", "currency")
        if any(k not in body for k in (*keys, "posId", "email", "urlReturn", "sign")):
            return _error(400, "Invalid input data")
        if body["currency"] not in CURRENCIES or body["merchantId"] != self.merchant_id:
            return _error(400, "Invalid input data")
        if body["sign"] != p24_sign(body, keys, self.crc):
            return _error(400, "Incorrect CRC value")
        token = str(uuid.uuid4()).upper()
        self.transactions[token] = {**body, "token": token, "status": "registered"}
        return JSONResponse({"data": {"token": token}, "responseCode": 0})

    async def _page(self, request: Request) -> Response:
        found = self.transactions.get(request.path_params["token"])
        if found is None:
            return HTMLResponse("<h1>Transaction not found</h1>", status_code=404)
        return HTMLResponse(f"<h1>Przelewy24</h1><p>{found['amount']} {found['currency']}</p>")

    async def _verify(self, request: Request) -> Response:
        body = await self._read(request)
        if isinstance(body, Response):
            return body
        keys = ("sessionId", "orderId", "amount", "currency")
        if any(k not in body for k in keys) or body.get("sign") != p24_sign(body, keys, self.crc):
            return _error(400, "Incorrect sign")
        found = self._by_order(body["orderId"])
        if self.refuse_verify or found is None or found["sessionId"] != body["sessionId"]:
            return _error(400, "Transaction not found or not paid")
        if (found["amount"], found["currency"]) != (body["amount"], body["currency"]):
            return _error(400, "Incorrect amount")
        found["status"] = "verified"
        return JSONResponse({"data": {"status": "success"}, "responseCode": 0})

    async def _refund(self, request: Request) -> Response:
        body = await self._read(request)
        if isinstance(body, Response):
            return body
        if not body.get("requestId") or not body.get("refundsUuid") or not body.get("refunds"):
            return _error(400, "Invalid input data")
        answers = [self._refund_item(body, item) for item in body["refunds"]]
        return JSONResponse({"data": answers, "responseCode": 0}, status_code=201)

    def _refund_item(self, body: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
        found = self._by_order(item.get("orderId"))
        ok = found is not None and found["status"] == "verified"
        ok = ok and found is not None and found["sessionId"] == item.get("sessionId")
        ok = ok and found is not None and 0 < item.get("amount", 0) <= self._left(found)
        if ok and found is not None:
            self._add_refund(found, body["requestId"], body["refundsUuid"], item["amount"])
        return {**item, "status": ok, "message": "success" if ok else "Refund rejected"}

    # -- the customer's, the panel's and P24's side ---------------------------------------------
    def pay(self, token: str) -> bytes:
        """The customer pays: P24 gives the transaction an orderId and notifies urlStatus."""
        found = self.transactions[token]
        if "orderId" not in found:
            found.update(orderId=next(self._order_ids), methodId=25, status="paid")
            found["statement"] = f"p24-K{found['orderId']}"
        note = {**{k: found.get(k) for k in NOTE_FIELDS}, "originAmount": found["amount"]}
        note["posId"], note["merchantId"] = self.pos_id, self.merchant_id
        return json.dumps({**note, "sign": p24_sign(note, NOTE_FIELDS, self.crc)}).encode()

    def refund_in_panel(self, token: str, amount: int) -> bytes:
        """A refund the merchant makes in P24's panel: its notification, already done."""
        found = self.transactions[token]
        request_id = f"panel-{len(self.refunds) + 1}"
        self._add_refund(found, request_id, str(uuid.uuid4()), amount)
        return self.refund_done(request_id)

    def refund_done(self, request_id: str, status: int = 0) -> bytes:
        refund = self.refunds[request_id]
        note = {**refund, "timestamp": int(self.clock().timestamp()), "status": status}
        return json.dumps({**note, "sign": p24_sign(note, REFUND_FIELDS, self.crc)}).encode()

    def _add_refund(self, tx: dict[str, Any], request_id: str, uuid_: str, amount: int) -> None:
        self.refunds[request_id] = {
            "orderId": tx["orderId"], "sessionId": tx["sessionId"],
            "merchantId": self.merchant_id, "requestId": request_id, "refundsUuid": uuid_,
            "amount": amount, "currency": tx["currency"],
        }  # fmt: skip

    def _left(self, tx: dict[str, Any]) -> int:
        done = sum(r["amount"] for r in self.refunds.values() if r["orderId"] == tx["orderId"])
        return int(tx["amount"]) - done

    def _by_order(self, order_id: Any) -> dict[str, Any] | None:
        return next((t for t in self.transactions.values() if t.get("orderId") == order_id), None)

    def by_session(self, session_id: str) -> dict[str, Any]:
        return next(t for t in self.transactions.values() if t["sessionId"] == session_id)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": status}, status_code=status)
