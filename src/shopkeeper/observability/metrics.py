"""Prometheus metrics: HTTP requests by route template, bus gauges read at scrape time, /metrics.

The middleware labels by the matched route's template (`/api/v1/shops/{shop}/members`),
never the raw path, and by a fixed set of methods, so label sets stay bounded. It also writes
the access log: one line per request with method, route, status, duration_ms (and the
correlation id, bound by CorrelationIdMiddleware around it).
"""

from __future__ import annotations

import time

import structlog
from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopkeeper.bus import bus_stats
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep

log = structlog.get_logger("shopkeeper.metrics")

UNMATCHED = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from receiving a request to the end of its response",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_UNPUBLISHED = Gauge("bus_outbox_unpublished_events", "Outbox events not yet relayed")
OUTBOX_LAG = Gauge("bus_outbox_lag_seconds", "Age of the oldest outbox event not yet relayed")
RETRYING = Gauge("bus_retrying_deliveries", "Failed deliveries waiting for another attempt")
DEAD = Gauge("bus_dead_events", "Deliveries parked as dead after their last attempt")

router = APIRouter(tags=["observability"])


@router.get("/metrics", include_in_schema=False)
async def metrics(container: ContainerDep) -> Response:
    """Prometheus text format; the bus gauges are read from the database now."""
    await refresh_bus_gauges(container)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def refresh_bus_gauges(container: Container) -> None:
    """Fill the bus gauges; when the database is down they keep their last values."""
    try:
        async with container.sessions() as session:
            stats = await bus_stats(session, container.clock.now())
    except Exception as exc:
        log.warning("metrics.bus_stats_failed", error=repr(exc))
        return
    OUTBOX_UNPUBLISHED.set(stats.unpublished)
    OUTBOX_LAG.set(stats.outbox_lag_seconds)
    RETRYING.set(stats.retrying)
    DEAD.set(stats.dead)


class MetricsMiddleware:
    """Pure ASGI: counts and times each HTTP request, then writes its access-log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Bound once per app (with the logging set-up of that moment): no per-request lookup.
        self._log = structlog.get_logger("shopkeeper.access").bind()
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = route_template(scope)
        series = self._series.get((method, route, status))
        if series is None:
            series = self._series[(method, route, status)] = (
                HTTP_REQUESTS.labels(method, route, str(status)),
                HTTP_SECONDS.labels(method, route),
            )
        series[0].inc()
        series[1].observe(seconds)
        self._log.info(
            "http.request",
            method=method,
            route=route,
            path=scope["path"],
            status=status,
            duration_ms=round(seconds * 1000, 2),
        )


def route_template(scope: Scope) -> str:
    """The matched route's path template, behind any mount prefixes; bounded when unmatched.

    A path inside a mounted app without routes of its own (static files) is `<mount>/{path}`;
    a request no route matched is UNMATCHED.
    """
    route = scope.get("route")
    path = getattr(route, "path", None)
    root_path: str = scope.get("root_path", "")
    mounted = root_path[len(scope.get("app_root_path", root_path)) :]
    if isinstance(path, str) and not isinstance(route, Mount):
        return mounted + path
    return mounted + "/{path}" if mounted else UNMATCHED
