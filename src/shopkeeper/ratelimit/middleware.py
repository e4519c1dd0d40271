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

EXEMPT_PREFIXES = ("/api/health", "/metrics", "/static/", "/favicon.ico")


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
        try:
            counts = await self.store.hit(self._keys(scope), window)
        except Exception:  # the limiter must never take the API down with it
            log.warning("ratelimit.store_failed", exc_info=True)
            counts = []
        if counts and max(counts) > self.limit:
            retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
            await self._reject(send, retry_after)
            return
        await self.app(scope, receive, send)

    def _keys(self, scope: Scope) -> list[str]:
        client = scope.get("client")
        keys = [f"ip:{client[0] if client else 'unknown'}"]
        caller = self._caller(scope)
        if caller:
            keys.append(caller)
        return keys

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

    async def _reject(self, send: Send, retry_after: int) -> None:
        body = json.dumps(
            {
                "error": "TooManyRequests",
                "detail": f"Rate limit of {self.limit} requests per minute exceeded; "
                f"retry in {retry_after} s",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry_after).encode()),
            (b"x-ratelimit-limit", str(self.limit).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES) or "/static/" in path
