"""The correlation id that follows a request into the events it publishes and their handlers."""

from __future__ import annotations

from contextvars import ContextVar

import structlog

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def set_correlation_id(value: str | None) -> None:
    correlation_id.set(value)
    if value:
        structlog.contextvars.bind_contextvars(correlation_id=value)
    else:
        structlog.contextvars.unbind_contextvars("correlation_id")
