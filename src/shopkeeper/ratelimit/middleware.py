"""Per-IP and per-caller (user or API key) request limits: 429 with Retry-After."""

from __future__ import annotations

import json
import math

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from shopkeeper.identity.tokens import is_api_key, peek_subject
from shopkeeper.kit.clock import Clock
from shopkeeper.kit.crypto import sha256_hex
from shopkeeper.ratelimit.stores import WINDOW_SECONDS, RateStore

log = structlog.get_logger(__name__)

# Telegram delivers every bot's updates from a few addresses; each call is authenticated by
# its secret token before any work (see bots.telegram.webhook).
EXEMPT_PREFIXES = ("/api/health", "/metrics", "/static/", "/favicon.ico", "/telegram/")
# Payment gateways send webhooks in bursts from a few addresses: they get their own, larger
# per-IP budget (a flood of forged calls is still cut off before it fills the raw-webhook log).
WEBHOOK_MARKER = "/payments/webhooks/"
WEBHOOK_LIMIT_FACTOR = 10


class RateLimitMiddleware:
    """Fixed one-minute windows; a failing store lets requests through (and logs)."""

    def __init__(
        self, app: ASGIApp, *, limit: int, store: RateStore, clock: Clock, secret: str
    ) -> None:
        self.app = app
        self.limit = limit
        self.store = store
        self.clock = clock
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        now = self.clock.now().timestamp()
        window = int(now // WINDOW_SECONDS)
        keys, limit = self._keys_and_limit(scope)
        try:
            counts = await self.store.hit(keys, window)
        except Exception:  # the limiter must never take the API down with it
            log.warning("ratelimit.store_failed", exc_info=True)
            counts = []
        if counts and max(counts) > limit:
            retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
            await self._reject(send, retry_after, limit)
            return
        await self.app(scope, receive, send)

    def _keys_and_limit(self, scope: Scope) -> tuple[list[str], int]:
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        if WEBHOOK_MARKER in scope["path"]:
            return [f"hook-ip:{ip}"], self.limit * WEBHOOK_LIMIT_FACTOR
        keys = [f"ip:{ip}"]
        caller = self._caller(scope)
        if caller:
            keys.append(caller)
        return keys, self.limit

    def _caller(self, scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                token = token.strip()
                if scheme.lower() != "bearer" or not token:
                    return None
                if is_api_key(token):
                    return "key:" + sha256_hex(token)[:32]
                subject = peek_subject(token, secret=self.secret)
                return f"user:{subject}" if subject else None
        return None

    async def _reject(self, send: Send, retry_after: int, limit: int) -> None:
        body = json.dumps(
            {
                "error": "TooManyRequests",
                "detail": f"Rate limit of {limit} requests per minute exceeded; "
                f"retry in {retry_after} s",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry_after).encode()),
            (b"x-ratelimit-limit", str(limit).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES) or "/static/" in path
