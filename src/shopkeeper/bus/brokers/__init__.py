"""Broker transports through FastStream, picked by the scheme of SHOPKEEPER_BROKER_URL.

redis:// → Redis Streams, amqp:// → RabbitMQ, nats:// → NATS JetStream, kafka:// → Kafka.
One stream/exchange/subject/topic per publishing context (`<context>-events`, prefixed by
SHOPKEEPER_BROKER_NAMESPACE), one consumer group per consuming context. A message is acked
only after its handlers' transactions commit. The URL may end in `?redeliver_seconds=N`: how
long an unacknowledged message waits before another worker takes it (Redis, NATS; default 30).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from shopkeeper.bus.brokers.options import Handle, TransportOptions, parse_options
from shopkeeper.bus.envelope import Envelope
from shopkeeper.settings import Settings


class Transport(Protocol):
    """Publishes envelopes to a broker and feeds its consumer groups to `handle`."""

    async def start(self) -> None: ...

    async def publish(self, envelopes: Sequence[Envelope]) -> None: ...

    async def close(self) -> None: ...


def make_transport(
    settings: Settings, routes: Mapping[str, Sequence[str]], handle: Handle
) -> Transport:
    """The transport for `settings.broker_url`; `routes` maps consumer group → its topics."""
    options = parse_options(settings)
    scheme = settings.broker_scheme
    if scheme == "redis":
        from shopkeeper.bus.brokers.redis_streams import RedisStreamsTransport

        return RedisStreamsTransport(options, routes, handle)
    if scheme in ("amqp", "amqps"):
        from shopkeeper.bus.brokers.rabbitmq import RabbitTransport

        return RabbitTransport(options, routes, handle)
    if scheme == "nats":
        from shopkeeper.bus.brokers.nats_jetstream import NatsTransport

        return NatsTransport(options, routes, handle)
    if scheme == "kafka":
        from shopkeeper.bus.brokers.kafka import KafkaTransport

        return KafkaTransport(options, routes, handle)
    raise ValueError(f"no broker transport for {scheme}:// (memory:// delivers in-process)")


__all__ = ["Handle", "Transport", "TransportOptions", "make_transport"]
