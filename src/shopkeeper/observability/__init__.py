"""Observability: health and readiness, Prometheus metrics, the access log.

Public: `health_router` (GET /api/health, GET /api/health/ready: database SELECT 1 and a real
broker connection, 503 naming what failed), `metrics_router` (GET /metrics, Prometheus text:
http_requests_total, http_request_duration_seconds by route template,
database_query_duration_seconds, bus outbox lag and dead-event gauges read at scrape time),
`MetricsMiddleware` (pure ASGI; also writes one access-log line per request),
`check_readiness(container)`. No events.
"""

from shopkeeper.observability.health import check_readiness
from shopkeeper.observability.health import router as health_router
from shopkeeper.observability.metrics import MetricsMiddleware, route_template
from shopkeeper.observability.metrics import router as metrics_router

__all__ = [
    "MetricsMiddleware",
    "check_readiness",
    "health_router",
    "metrics_router",
    "route_template",
]
