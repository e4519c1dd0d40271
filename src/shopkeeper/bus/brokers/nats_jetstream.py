"""NATS JetStream: a stream per topic, a durable pull consumer per consuming context.

Acknowledgement is explicit; a message not acked within `redeliver_seconds` (ack_wait) is
delivered again, to whichever worker pulls next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import DeliverPolicy
from nats.js.errors import BadRequestError

from shopkeeper.bus.brokers.consume import subscriber_for
from shopkeeper.bus.brokers.options import BATCH, BROKER_LOG, Handle, TransportOptions
from shopkeeper.bus.envelope import Envelope


class NatsTransport:
    def __init__(
        self, options: TransportOptions, routes: Mapping[str, Sequence[str]], handle: Handle
    ) -> None:
        self.options = options
        self.broker = NatsBroker(options.url, logger=BROKER_LOG, log_level=logging.DEBUG)
        self._declared: set[str] = set()
        for group, topics in routes.items():
            for topic in topics:
                name = options.name(topic)
                self._declared.add(topic)
                self.broker.subscriber(
                    name,
                    stream=JStream(name, subjects=[name]),
                    durable=options.name(group),
                    pull_sub=PullSub(batch_size=BATCH, timeout=0.1, batch=True),
                    config=ConsumerConfig(
                        ack_policy=JsAckPolicy.EXPLICIT,
                        ack_wait=options.redeliver_seconds,
                        deliver_policy=DeliverPolicy.NEW,
                        max_ack_pending=BATCH * 10,
                    ),
                    ack_policy=AckPolicy.MANUAL,
                )(subscriber_for(group, handle))

    async def start(self) -> None:
        await self.broker.start()

    async def _declare(self, topic: str) -> None:
        """A topic nobody here consumes still needs its stream for JetStream to accept it."""
        name = self.options.name(topic)
        client = await self.broker.connect()
        try:
            await client.jetstream().add_stream(name=name, subjects=[name])
        except BadRequestError:
            pass  # it exists already (declared by a consumer, maybe with other settings)
        self._declared.add(topic)

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Each message is acknowledged by JetStream (stored) before the batch counts as sent."""
        for topic in {e.topic for e in envelopes} - self._declared:
            await self._declare(topic)
        await asyncio.gather(*(self._publish_one(envelope) for envelope in envelopes))

    async def _publish_one(self, envelope: Envelope) -> None:
        name = self.options.name(envelope.topic)
        await self.broker.publish(
            envelope.to_wire(),
            subject=name,
            stream=name,
            # JetStream drops a republished event (same id) inside its duplicate window.
            headers={**envelope.headers(), "Nats-Msg-Id": str(envelope.event_id)},
            correlation_id=envelope.correlation_id or str(envelope.event_id),
        )

    async def close(self) -> None:
        await self.broker.stop()
