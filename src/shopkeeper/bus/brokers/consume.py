"""The FastStream message handler every transport uses: acknowledge only after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from faststream import Context

from shopkeeper.bus.brokers.options import Handle
from shopkeeper.bus.envelope import Envelope

log = structlog.get_logger(__name__)

NACK_DELAY_SECONDS = 1.0  # a broken database should not turn into a hot redelivery loop


def envelopes_from(bodies: list[Any], group: str) -> list[Envelope]:
    """The readable envelopes of a batch; a malformed body (not ours) is logged and skipped."""
    envelopes = []
    for body in bodies:
        try:
            envelopes.append(Envelope.from_wire(body))
        except (KeyError, TypeError, ValueError, AttributeError):
            log.error("bus.message_malformed", group=group, body=repr(body)[:500])
    return envelopes


def subscriber_for(group: str, handle: Handle) -> Callable[..., Awaitable[None]]:
    """A FastStream handler (manual ack) that acks only after `handle` returned.

    On an error the message is nacked after a pause: RabbitMQ and NATS redeliver it, Redis
    keeps it pending until it is reclaimed, Kafka seeks back. A malformed message (not ours)
    is logged and acked, since no retry can make it readable.
    """

    async def on_message(body: Any, message: Any = Context("message")) -> None:
        envelopes = envelopes_from(body if isinstance(body, list) else [body], group)
        try:
            if envelopes:
                await handle(group, envelopes)
        except Exception:
            log.exception("bus.consume_failed", group=group, events=len(envelopes))
            await asyncio.sleep(NACK_DELAY_SECONDS)
            await message.nack()
            return
        await message.ack()

    on_message.__name__ = f"consume_{group}"
    return on_message
