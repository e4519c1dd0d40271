"""Kafka: a topic per publishing context keyed by the aggregate id (per-key order within a
partition), a consumer group per consuming context, offsets committed only after the batch's
handlers committed (manual acknowledgement, no auto-commit)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from shopkeeper.bus.brokers.consume import subscriber_for
from shopkeeper.bus.brokers.options import BATCH, BROKER_LOG, Handle, TransportOptions
from shopkeeper.bus.envelope import Envelope


def bootstrap_servers(url: str) -> list[str]:
    """`kafka://host1:9092,host2:9092` → ["host1:9092", "host2:9092"]."""
    netloc = urlsplit(url).netloc.rpartition("@")[-1]
    return [server for server in netloc.split(",") if server] or ["localhost:9092"]


class KafkaTransport:
    def __init__(
        self, options: TransportOptions, routes: Mapping[str, Sequence[str]], handle: Handle
    ) -> None:
        self.options = options
        self.broker = KafkaBroker(
            bootstrap_servers(options.url), logger=BROKER_LOG, log_level=logging.DEBUG
        )
        for group, topics in routes.items():
            self.broker.subscriber(
                *(options.name(topic) for topic in topics),
                group_id=options.name(group),
                batch=True,
                max_records=BATCH,
                auto_offset_reset="earliest",
                ack_policy=AckPolicy.MANUAL,
            )(subscriber_for(group, handle))

    async def start(self) -> None:
        await self.broker.start()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Every record acknowledged by the cluster before the batch counts as sent."""
        await asyncio.gather(*(self._publish_one(envelope) for envelope in envelopes))

    async def _publish_one(self, envelope: Envelope) -> None:
        await self.broker.publish(
            envelope.to_wire(),
            topic=self.options.name(envelope.topic),
            key=envelope.key.encode(),
            headers=envelope.headers(),
            correlation_id=envelope.correlation_id or str(envelope.event_id),
        )

    async def close(self) -> None:
        await self.broker.stop()
