"""Redis Streams: a stream per topic, a consumer group per consuming context.

New entries are read in batches (XREADGROUP); a second subscriber per stream reclaims entries
left pending by a dead consumer (XAUTOCLAIM after `redeliver_seconds` idle), so a worker
killed in the middle of a handler does not lose its events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from faststream import AckPolicy
from faststream.redis import RedisBroker, StreamSub

from shopkeeper.bus.brokers.consume import subscriber_for
from shopkeeper.bus.brokers.options import BATCH, BROKER_LOG, Handle, TransportOptions
from shopkeeper.bus.envelope import Envelope

# Approximate cap on a stream's length: old entries are trimmed (a group lagging this far
# behind would lose the oldest; the outbox keeps every event for inspection).
MAXLEN = 1_000_000
DEPARTED_AFTER_MS = 3_600_000


class RedisStreamsTransport:
    def __init__(
        self, options: TransportOptions, routes: Mapping[str, Sequence[str]], handle: Handle
    ) -> None:
        self.options = options
        self.broker = RedisBroker(options.url, logger=BROKER_LOG, log_level=logging.DEBUG)
        self._groups: list[tuple[str, str]] = []
        for group, topics in routes.items():
            for topic in topics:
                self._groups.append((options.name(topic), options.name(group)))
                self._subscribe(options.name(topic), options.name(group), group, handle)

    def _subscribe(self, stream: str, group_name: str, group: str, handle: Handle) -> None:
        consumer = self.options.consumer_name
        reader = StreamSub(
            stream,
            group=group_name,
            consumer=consumer,
            batch=True,
            max_records=BATCH,
            polling_interval=1000,
        )
        reclaimer = StreamSub(
            stream,
            group=group_name,
            consumer=consumer,
            polling_interval=1000,
            min_idle_time=int(self.options.redeliver_seconds * 1000),
        )
        for sub in (reader, reclaimer):
            self.broker.subscriber(stream=sub, ack_policy=AckPolicy.MANUAL)(
                subscriber_for(group, handle)
            )

    async def start(self) -> None:
        await self.broker.start()
        await self._forget_departed_consumers()

    async def _forget_departed_consumers(self) -> None:
        """Drop consumers of earlier, finished processes: nothing pending, silent for an hour."""
        client = await self.broker.connect()
        for stream, group in self._groups:
            for consumer in await client.xinfo_consumers(stream, group):
                if consumer["pending"] == 0 and consumer["idle"] > DEPARTED_AFTER_MS:
                    await client.xgroup_delconsumer(stream, group, consumer["name"])

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """XADD the whole batch in one pipelined round trip."""
        client = await self.broker.connect()
        async with client.pipeline(transaction=False) as pipe:
            for envelope in envelopes:
                await self.broker.publish(
                    envelope.to_wire(),
                    stream=self.options.name(envelope.topic),
                    headers=envelope.headers(),
                    correlation_id=envelope.correlation_id or str(envelope.event_id),
                    maxlen=MAXLEN,
                    pipeline=pipe,
                )
            await pipe.execute()

    async def close(self) -> None:
        await self.broker.stop()
