"""HTTP middleware: correlation id (and, added by their owners, metrics and rate limits)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkeeper.kit.context import set_correlation_id
from shopkeeper.kit.ids import new_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class CorrelationIdMiddleware:
    """Takes X-Request-ID when it is safe, otherwise makes one; echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        value = given if _SAFE_ID.match(given) else new_id().hex
        set_correlation_id(value)
        scope.setdefault("state", {})["correlation_id"] = value

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", value.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            set_correlation_id(None)


def install(app: FastAPI) -> None:
    """Outermost last: correlation id wraps everything."""
    _install_rate_limit(app)
    _install_metrics(app)
    app.add_middleware(CorrelationIdMiddleware)


def _install_metrics(app: FastAPI) -> None:
    """Request metrics and the access log; outside the rate limit so 429s are counted too."""
    from shopkeeper.observability import MetricsMiddleware

    app.add_middleware(MetricsMiddleware)


def _install_rate_limit(app: FastAPI) -> None:
    """Per-IP and per-caller limits; the store follows the shape (Redis, memory, database)."""
    from shopkeeper.ratelimit import RateLimitMiddleware, build_store

    container = app.state.container
    settings = container.settings
    store = build_store(redis_url=settings.redis_url, engine=container.engine)
    container.closers.append(store.close)
    app.add_middleware(
        RateLimitMiddleware,
        limit=settings.rate_limit_per_minute,
        store=store,
        clock=container.clock,
        secret=settings.secret_key,
    )
