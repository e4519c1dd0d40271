"""Timestamped HMAC-SHA256 signatures, `t=<unix>,v1=<hex>`: Stripe's scheme, and our sandbox's.

The signed message is `"<t>.<raw body>"`; a header may carry several `v1` values (while a
secret is rotated) and one matching is enough. A timestamp further than `tolerance` seconds
from now, either way, is refused so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from shopkeeper.payments.providers.base import WebhookSignatureInvalid

DEFAULT_TOLERANCE = 300


def compute(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={compute(secret, timestamp, body)}"


def _parse(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in value.split(","):
        key, _, part = item.strip().partition("=")
        if key == "t" and part.isdigit():
            timestamp = int(part)
        elif key == "v1" and part:
            signatures.append(part)
    if timestamp is None:
        raise WebhookSignatureInvalid("The signature header has no timestamp")
    if not signatures:
        raise WebhookSignatureInvalid("The signature header has no v1 signature")
    return timestamp, signatures


def verify(
    value: str | None,
    body: bytes,
    secret: str,
    *,
    now: datetime,
    tolerance: int = DEFAULT_TOLERANCE,
) -> int:
    """Check the header against `body`; return its timestamp or raise WebhookSignatureInvalid."""
    if not value:
        raise WebhookSignatureInvalid("The signature header is missing")
    if not secret:
        raise WebhookSignatureInvalid("No webhook secret is configured for this gateway")
    timestamp, signatures = _parse(value)
    expected = compute(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise WebhookSignatureInvalid("The signature does not match the body")
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookSignatureInvalid(
            f"The signature is older than {tolerance} s (or from the future)"
        )
    return timestamp
