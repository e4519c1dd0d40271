"""The real local brokers for the `brokers` tests, and clean-up of a run's names on them."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import pytest

BROKERS = {
    "redis": "redis://127.0.0.1:6379/0",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/",
    "nats": "nats://127.0.0.1:4222",
}

needs_brokers = [
    pytest.mark.brokers,
    pytest.mark.skipif(
        os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1",
        reason="set SHOPKEEPER_TEST_BROKERS=1 to test against the real Redis, RabbitMQ and NATS",
    ),
]


async def purge(url: str, namespace: str, groups: Mapping[str, Sequence[str]]) -> None:
    """Delete the streams, exchanges and queues a test created under `namespace`."""
    topics = {topic for names in groups.values() for topic in names}
    if url.startswith("redis"):
        import redis.asyncio as redis

        redis_client = redis.Redis.from_url(url)
        keys = [key async for key in redis_client.scan_iter(match=f"{namespace}-*")]
        if keys:
            await redis_client.delete(*keys)
        await redis_client.aclose()
    elif url.startswith("amqp"):
        import aio_pika

        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            for group, names in groups.items():
                for topic in names:
                    await channel.queue_delete(f"{namespace}-{topic}.{group}")
            for topic in topics:
                await channel.exchange_delete(f"{namespace}-{topic}")
    elif url.startswith("nats"):
        import nats
        from nats.js.errors import NotFoundError

        client = await nats.connect(url)
        for topic in topics:
            try:
                await client.jetstream().delete_stream(f"{namespace}-{topic}")
            except NotFoundError:
                pass
        await client.close()
