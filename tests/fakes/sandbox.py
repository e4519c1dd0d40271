"""The sandbox gateway's webhooks as a third party would build them (not with our own code):
`Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body" with the shop's secret>`."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import datetime
from typing import Any


def webhook(
    secret: str,
    kind: str,
    *,
    payment_id: uuid.UUID | str,
    amount: int,
    currency: str,
    at: datetime,
    refund_id: str | None = None,
    event_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    data: dict[str, Any] = {"payment_id": str(payment_id), "amount": amount, "currency": currency}
    if refund_id:
        data["refund_id"] = refund_id
    created = int(at.timestamp())
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "created": created,
        "data": data,
    }
    body = json.dumps(event).encode()
    digest = hmac.new(secret.encode(), f"{created}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {
        "Sandbox-Signature": f"t={created},v1={digest}",
        "Content-Type": "application/json",
    }
