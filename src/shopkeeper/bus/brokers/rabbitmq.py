"""RabbitMQ: a durable topic exchange per topic, a durable queue per consuming context.

Queues use a single active consumer, so several workers keep per-queue (hence per-key) order
and the standby takes over when the active one dies. An unacknowledged message is requeued
by RabbitMQ when its consumer's connection drops (a killed worker).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from faststream import AckPolicy
from faststream.rabbit import Channel, ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue

from shopkeeper.bus.brokers.consume import subscriber_for
from shopkeeper.bus.brokers.options import BATCH, BROKER_LOG, Handle, TransportOptions
from shopkeeper.bus.envelope import Envelope


class RabbitTransport:
    def __init__(
        self, options: TransportOptions, routes: Mapping[str, Sequence[str]], handle: Handle
    ) -> None:
        self.options = options
        self.broker = RabbitBroker(
            options.url,
            default_channel=Channel(prefetch_count=BATCH),
            logger=BROKER_LOG,
            log_level=logging.DEBUG,
        )
        self._declared: set[str] = set()
        for group, topics in routes.items():
            for topic in topics:
                queue = RabbitQueue(
                    options.name(f"{topic}.{group}"),
                    durable=True,
                    routing_key="#",
                    arguments={"x-single-active-consumer": True},
                )
                self.broker.subscriber(queue, self._exchange(topic), ack_policy=AckPolicy.MANUAL)(
                    subscriber_for(group, handle)
                )

    def _exchange(self, topic: str) -> RabbitExchange:
        return RabbitExchange(self.options.name(topic), type=ExchangeType.TOPIC, durable=True)

    async def start(self) -> None:
        await self.broker.start()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Persistent messages, each confirmed by the broker before the batch counts as sent."""
        for topic in {e.topic for e in envelopes} - self._declared:
            await self.broker.declare_exchange(self._exchange(topic))
            self._declared.add(topic)
        await asyncio.gather(*(self._publish_one(envelope) for envelope in envelopes))

    async def _publish_one(self, envelope: Envelope) -> None:
        await self.broker.publish(
            envelope.to_wire(),
            exchange=self._exchange(envelope.topic),
            routing_key=envelope.name,
            persist=True,
            headers=dict(envelope.headers()),
            correlation_id=envelope.correlation_id or str(envelope.event_id),
            message_id=str(envelope.event_id),
        )

    async def close(self) -> None:
        await self.broker.stop()
