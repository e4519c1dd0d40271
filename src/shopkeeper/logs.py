"""structlog set-up: one JSON object per line (or a console renderer), correlation id bound.

Our own log calls go straight through structlog to the stream; records of libraries using
the standard `logging` module are rendered by the same processors, so every line has the same
shape: `{"event", "level", "timestamp", "correlation_id"?, ...}`.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, TextIO

import structlog

from shopkeeper.settings import Settings

QUIET_LOGGERS = ("uvicorn.access", "aiormq", "aio_pika", "faststream.access", "httpx")


class _CurrentStderr:
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Route structlog and stdlib logging to `stream` (default: stderr) in one format."""
    level = getattr(logging, settings.log_level)
    output: Any = stream if stream is not None else _CurrentStderr()
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, *_render(settings)],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(output),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(output)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *_render(settings),
            ],
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def _render(settings: Settings) -> list[structlog.types.Processor]:
    if settings.log_json:
        return [
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ]
    return [structlog.dev.ConsoleRenderer(colors=False)]


def _dumps(value: Any, **kwargs: Any) -> str:
    """JSON with UUIDs, datetimes and other values rendered as text rather than failing."""
    kwargs["default"] = str
    return json.dumps(value, **kwargs)
