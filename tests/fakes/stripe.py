"""A fake Stripe API: Checkout Sessions, PaymentIntents, charges, refunds, signed events.

It speaks Stripe's wire format: form-encoded requests with bracketed keys, Bearer secret
keys, `Idempotency-Key` replays, JSON objects with `object` fields, error bodies
`{"error": {"type", "message"}}`, and events signed like Stripe signs them:
`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body" with the endpoint secret>`.
Tests drive the customer's side (`complete`, `fail`, `refund_in_dashboard`) and deliver the
returned events to our webhook endpoint in any order, as often as they like.

Subscriptions (Checkout in `mode=subscription`): `complete` creates the subscription, whose
metadata is the session's `subscription_data[metadata]`; `renew` bills the next period
(invoice.paid, `billing_reason: subscription_cycle`); `end_subscription` deletes it
(customer.subscription.deleted); POST /v1/subscriptions/{id} updates
`cancel_at_period_end`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SECRET_KEY = "sk_test_fake0123456789abcdef"
WEBHOOK_SECRET = "whsec_fake0123456789abcdef"
_KEY = re.compile(r"\[([^\]]*)\]")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def decode_form(body: bytes) -> dict[str, Any]:
    """`line_items[0][price_data][unit_amount]=5` → nested dicts (list indexes as keys)."""
    result: dict[str, Any] = {}
    for name, value in parse_qsl(body.decode(), keep_blank_values=True):
        head = name.split("[", 1)[0]
        path = [head, *_KEY.findall(name)]
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


@dataclass
class Delivery:
    """One webhook as Stripe would POST it."""

    body: bytes
    headers: dict[str, str]
    type: str

    def tampered(self) -> Delivery:
        """The same signature over a changed body (an attacker's edit)."""
        body = self.body.replace(b'"livemode": false', b'"livemode": true')
        assert body != self.body
        return Delivery(body, self.headers, self.type)


@dataclass
class FakeStripe:
    clock: Callable[[], datetime]
    secret_key: str = SECRET_KEY
    webhook_secret: str = WEBHOOK_SECRET
    include_refunds: bool = False  # API ≥ 2022-11-15 does not expand charge.refunds
    down: bool = False  # answer every request 503, as during an outage
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    _replays: dict[str, tuple[dict[str, Any], Any]] = field(default_factory=dict)

    # -- the HTTP API ------------------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/checkout/sessions", self._create_session, methods=["POST"]),
                Route("/v1/checkout/sessions/{id}", self._get_session, methods=["GET"]),
                Route("/v1/refunds", self._create_refund, methods=["POST"]),
                Route("/v1/subscriptions/{id}", self._update_subscription, methods=["POST"]),
            ]
        )

    def _now(self) -> int:
        return int(self.clock().timestamp())

    async def _call(
        self, request: Request, handler: Callable[[dict[str, Any]], Any]
    ) -> JSONResponse:
        if self.down:
            return _error(503, "api_error", "Stripe is temporarily unavailable")
        if request.headers.get("authorization") != f"Bearer {self.secret_key}":
            return _error(401, "invalid_request_error", "Invalid API Key provided")
        params = decode_form(await request.body())
        self.requests.append((request.method, request.url.path, params, dict(request.headers)))
        key = request.headers.get("idempotency-key")
        if key and key in self._replays:
            seen, response = self._replays[key]
            if seen != params:
                return _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be "
                    "used with the same parameters they were first used with.",
                )
            return JSONResponse(response)
        try:
            response = handler(params)
        except _StripeError as exc:
            return _error(400, "invalid_request_error", str(exc))
        if key:
            self._replays[key] = (params, response)
        return JSONResponse(response)

    async def _create_session(self, request: Request) -> JSONResponse:
        return await self._call(request, self._new_session)

    def _new_session(self, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("line_items") or {}
        if (
            params.get("mode") not in ("payment", "subscription")
            or not items
            or not params.get("success_url")
        ):
            raise _StripeError("Missing required param: mode, line_items or success_url.")
        prices = [item["price_data"] for item in items.values()]
        total = sum(
            int(p["unit_amount"]) * int(i.get("quantity", 1))
            for p, i in zip(prices, items.values(), strict=True)
        )
        session_id = _id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": total,
            "currency": prices[0]["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "livemode": False,
            "_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata", {}),
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata", {}),
            "_recurring": prices[0].get("recurring"),
        }
        self.sessions[session_id] = session
        return _public(session)

    async def _get_session(self, request: Request) -> JSONResponse:
        session = self.sessions.get(request.path_params["id"])
        if session is None:
            return _error(404, "invalid_request_error", "No such checkout.session")
        return await self._call(request, lambda _params: _public(session))

    async def _update_subscription(self, request: Request) -> JSONResponse:
        found = self.subscriptions.get(request.path_params["id"])
        if found is None:
            return _error(404, "invalid_request_error", "No such subscription")

        def update(params: dict[str, Any]) -> dict[str, Any]:
            if "cancel_at_period_end" in params:
                found["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            found.setdefault("metadata", {}).update(params.get("metadata") or {})
            return _public(found)

        return await self._call(request, update)

    async def _create_refund(self, request: Request) -> JSONResponse:
        return await self._call(request, self._new_refund)

    def _new_refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            raise _StripeError("This PaymentIntent does not have a successful charge to refund.")
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            raise _StripeError(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge"
            )
        return self._refund(charge, amount, params.get("metadata", {}))

    def _refund(
        self, charge: dict[str, Any], amount: int, metadata: dict[str, Any]
    ) -> dict[str, Any]:
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "currency": charge["currency"],
            "payment_intent": charge["payment_intent"],
            "status": "succeeded",
            "metadata": metadata,
            "created": self._now(),
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["_refunds"].append(refund)
        return refund

    # -- the customer's and the merchant's side -------------------------------------------------
    def complete(self, session_id: str) -> list[Delivery]:
        """The customer pays: the events Stripe sends, in Stripe's usual order."""
        session = self.sessions[session_id]
        intent = self._intent(session, "succeeded")
        session.update(status="complete", payment_status="paid")
        if session["mode"] == "payment":
            session["payment_intent"] = intent["id"]
            return [
                self.event("payment_intent.succeeded", intent),
                self.event("checkout.session.completed", _public(session)),
            ]
        session["subscription"] = _id("sub")
        self.subscriptions[session["subscription"]] = {
            "id": session["subscription"],
            "object": "subscription",
            "status": "active",
            "cancel_at_period_end": False,
            "canceled_at": None,
            "currency": session["currency"],
            "metadata": session["_subscription_metadata"],
            "_amount": session["amount_total"],
            "_session": session_id,
        }
        invoice = self._invoice(session["subscription"], "subscription_create", intent)
        session["invoice"] = invoice["id"]
        return [
            self.event("invoice.paid", invoice),
            self.event("checkout.session.completed", _public(session)),
        ]

    def _invoice(self, subscription_id: str, reason: str, intent: dict[str, Any]) -> dict[str, Any]:
        subscription = self.subscriptions[subscription_id]
        return {
            "id": _id("in"),
            "object": "invoice",
            "billing_reason": reason,
            "amount_paid": subscription["_amount"],
            "currency": subscription["currency"],
            "status": "paid",
            "payment_intent": intent["id"],
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription_id,
                    "metadata": dict(subscription["metadata"]),
                },
            },
        }

    def renew(self, subscription_id: str) -> Delivery:
        """The next period is billed and paid: invoice.paid with billing_reason
        subscription_cycle (a new invoice and PaymentIntent each time)."""
        subscription = self.subscriptions[subscription_id]
        assert subscription["status"] == "active", "a deleted subscription bills no more"
        intent = self._intent(self.sessions[subscription["_session"]], "succeeded")
        return self.event(
            "invoice.paid", self._invoice(subscription_id, "subscription_cycle", intent)
        )

    def end_subscription(self, subscription_id: str) -> Delivery:
        """The subscription is deleted (by the customer, the dashboard, or after failed
        retries): customer.subscription.deleted."""
        subscription = self.subscriptions[subscription_id]
        subscription.update(
            status="canceled",
            canceled_at=self._now(),
            cancellation_details={"reason": "cancellation_requested", "comment": None},
        )
        return self.event("customer.subscription.deleted", _public(subscription))

    def fail(self, session_id: str, message: str = "Your card was declined.") -> Delivery:
        intent = self._intent(self.sessions[session_id], "requires_payment_method")
        intent["last_payment_error"] = {"code": "card_declined", "message": message}
        return self.event("payment_intent.payment_failed", intent)

    def _intent(self, session: dict[str, Any], status: str) -> dict[str, Any]:
        # a subscription's invoice PaymentIntent does not carry the subscription's metadata
        metadata = session["_intent_metadata"]
        intent = {
            "id": _id("pi"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": session["amount_total"] if status == "succeeded" else 0,
            "currency": session["currency"],
            "status": status,
            "metadata": metadata,
            "latest_charge": None,
        }
        if status == "succeeded":
            charge = {
                "id": _id("ch"),
                "object": "charge",
                "amount": intent["amount"],
                "amount_captured": intent["amount"],
                "amount_refunded": 0,
                "refunded": False,
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "metadata": dict(metadata),
                "paid": True,
                "_refunds": [],
            }
            self.charges[charge["id"]] = charge
            intent["latest_charge"] = charge["id"]
        self.intents[intent["id"]] = intent
        return intent

    def charge_of(self, session_id: str) -> dict[str, Any]:
        return self.charges[
            self.intents[self.sessions[session_id]["payment_intent"]]["latest_charge"]
        ]

    def refunded_event(self, session_id: str) -> Delivery:
        """charge.refunded as it is now (after a refund made through the API or the dashboard)."""
        charge = dict(self.charge_of(session_id))
        refunds = charge.pop("_refunds")
        if self.include_refunds:
            charge["refunds"] = {"object": "list", "data": refunds, "has_more": False}
        return self.event("charge.refunded", charge)

    def refund_in_dashboard_intent(self, intent_id: str, amount: int) -> Delivery:
        """A dashboard refund of a PaymentIntent's charge (a subscription invoice's, say)."""
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        self._refund(charge, amount, {})
        public = dict(charge)
        public.pop("_refunds")
        return self.event("charge.refunded", public)

    def refund_in_dashboard(self, session_id: str, amount: int) -> Delivery:
        self._refund(self.charge_of(session_id), amount, {})
        return self.refunded_event(session_id)

    def event(self, kind: str, obj: dict[str, Any], *, at: int | None = None) -> Delivery:
        created = self._now() if at is None else at
        body = json.dumps(
            {
                "id": _id("evt"),
                "object": "event",
                "api_version": "2024-06-20",
                "created": created,
                "data": {"object": obj},
                "livemode": False,
                "pending_webhooks": 1,
                "type": kind,
            }
        ).encode()
        signature = sign(self.webhook_secret, created, body)
        return Delivery(
            body,
            {
                "Stripe-Signature": signature,
                "Content-Type": "application/json",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
            kind,
        )


class _StripeError(Exception):
    pass


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)
