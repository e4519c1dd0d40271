"""Transport options: names under the namespace, the redelivery delay, this consumer's name."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shopkeeper.bus.envelope import Envelope
from shopkeeper.kit.ids import new_id
from shopkeeper.settings import Settings

# FastStream logs through our logging set-up (JSON, correlation id) instead of its own handler.
BROKER_LOG = logging.getLogger("shopkeeper.bus.broker")

# Runs a consumer group's handlers for a batch; raises only when the batch must come again.
Handle = Callable[[str, Sequence[Envelope]], Awaitable[None]]
BATCH = 100


@dataclass(frozen=True)
class TransportOptions:
    url: str  # without our own query options
    namespace: str
    redeliver_seconds: float
    consumer_name: str  # unique per process: a dead one's messages are reclaimed by the others

    def name(self, base: str) -> str:
        """Broker-side name of a topic, queue or group, isolated by the namespace."""
        return f"{self.namespace}-{base}" if self.namespace else base


def parse_options(settings: Settings) -> TransportOptions:
    """Split our own `redeliver_seconds` off the broker URL; the rest goes to the client."""
    parts = urlsplit(settings.broker_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k == "redeliver_seconds"}
    try:
        redeliver = float(ours.get("redeliver_seconds", 30))
    except ValueError:
        raise ValueError("SHOPKEEPER_BROKER_URL: redeliver_seconds must be a number") from None
    if redeliver <= 0:
        raise ValueError("SHOPKEEPER_BROKER_URL: redeliver_seconds must be positive")
    rest = urlencode([(k, v) for k, v in query if k != "redeliver_seconds"])
    return TransportOptions(
        url=urlunsplit(parts._replace(query=rest)),
        namespace=settings.broker_namespace,
        redeliver_seconds=redeliver,
        consumer_name=f"{socket.gethostname()}-{os.getpid()}-{new_id().hex[-6:]}",
    )
