"""Readiness probes: can this process reach its database and its broker right now?"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncEngine

PROBE_TIMEOUT_SECONDS = 2.0
DEFAULT_PORTS = {"kafka": 9092}


async def probe_database(engine: AsyncEngine) -> None:
    """SELECT 1 on a pooled connection, below SQLAlchemy's transaction (no write lock on SQLite)."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if engine.dialect.name == "sqlite":
            cursor = await driver.execute("SELECT 1")  # type: ignore[union-attr]
            await cursor.fetchone()
            await cursor.close()
        else:
            await driver.fetchval("SELECT 1")  # type: ignore[union-attr]


async def probe_broker(url: str, connect_seconds: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Open (and close) a real connection to the broker; the in-process bus needs none."""
    scheme = url.split("://", 1)[0]
    probe = _BROKER_PROBES.get(scheme)
    if probe is not None:
        await probe(url, connect_seconds)


async def _redis(url: str, connect_seconds: float) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(
        url, socket_connect_timeout=connect_seconds, socket_timeout=connect_seconds
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _amqp(url: str, connect_seconds: float) -> None:
    import aio_pika

    connection = await aio_pika.connect(url, timeout=connect_seconds)
    await connection.close()


async def _nats(url: str, connect_seconds: float) -> None:
    import nats

    async def quiet(_error: Exception) -> None:
        return None

    client = await nats.connect(
        url,
        connect_timeout=connect_seconds,
        allow_reconnect=False,
        max_reconnect_attempts=1,  # 0 would retry forever; 1 gives up after a second try
        reconnect_time_wait=0,
        error_cb=quiet,
    )
    await client.close()


async def _tcp(url: str, connect_seconds: float) -> None:
    """Kafka: one of the bootstrap servers accepts a TCP connection."""
    scheme = url.split("://", 1)[0]
    servers = urlsplit(url).netloc.rpartition("@")[-1].split(",")
    failure: OSError = OSError(f"no {scheme} server given")
    for server in filter(None, servers):
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "")
        try:
            _reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, int(port or DEFAULT_PORTS[scheme])), connect_seconds
            )
        except OSError as exc:
            failure = exc
            continue
        writer.close()
        return
    raise failure


_BROKER_PROBES: dict[str, Callable[[str, float], Awaitable[None]]] = {
    "redis": _redis,
    "amqp": _amqp,
    "amqps": _amqp,
    "nats": _nats,
    "kafka": _tcp,
}
