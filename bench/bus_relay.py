"""Event bus: delivered events/s and publish-to-handler p99 latency at a paced 500 events/s.

Two set-ups, each with the worker's own loop (`run_bus`) and one handler per event (it does no
work of its own: what is measured is the bus, i.e. relay, broker, one transaction per handler
with its inbox row):
  - SQLite embedded (memory:// broker, in-process delivery);
  - PostgreSQL + Redis Streams (relay → XADD → consumer group → handler), skipped with a note
    when either server is unreachable.
Targets (issue 2): >= 2,000 events/s; p99 < 500 ms at 500 events/s.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shopkeeper.bootstrap import Container, build_container
from shopkeeper.bus import Event, build_registry, publish, run_bus
from shopkeeper.db import unit_of_work
from shopkeeper.migrate import upgrade_async

TARGET_RATE = 2_000  # events/s delivered
TARGET_P99 = 0.5  # seconds, at a paced 500 events/s
EVENTS = 6_000
PACED_RATE = 500
PACED_SECONDS = 6
KEYS = 256
PUBLISHERS = 8  # concurrent publishing transactions, like a few API requests at once
PG_URL = os.environ.get(
    "SHOPKEEPER_BENCH_DATABASE_URL",
    os.environ.get("SHOPKEEPER_TEST_DATABASE_URL")
    or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
)
REDIS_URL = os.environ.get("SHOPKEEPER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


class Pinged(Event):
    name = "bench.pinged.v1"
    item_id: str  # the ordering key: events of different items may run side by side
    sent_at: float  # perf_counter() at publish time (same process)


@dataclass
class Probe:
    """What the handler saw: how many events, and (when asked) each publish-to-handler time."""

    handled: int = 0
    latencies: list[float] | None = None


PROBE = Probe()


async def on_pinged(event: Pinged, session: AsyncSession) -> None:
    PROBE.handled += 1
    if PROBE.latencies is not None:
        PROBE.latencies.append(time.perf_counter() - event.sent_at)


@dataclass
class Result:
    setup: str
    rate: float
    p99: float
    p50: float


def _settings_for(database_url: str, broker_url: str) -> dict[str, object]:
    return {
        "database_url": database_url,
        "broker_url": broker_url,
        "broker_namespace": f"bench{uuid.uuid4().hex[:8]}",
        "secret_key": "bench-secret-key-0123456789abcdef0123456789",
        "encryption_keys": Fernet.generate_key().decode(),
        "log_level": "ERROR",
    }


async def _wait_handled(target: int, seconds: float) -> bool:
    deadline = time.perf_counter() + seconds
    while PROBE.handled < target:
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


async def measure_throughput(container: Container) -> float:
    """A backlog of EVENTS committed at once; events/s from the commit to the last handled."""
    PROBE.handled, PROBE.latencies = 0, None
    async with unit_of_work(container.sessions) as session:
        for n in range(EVENTS):
            publish(session, Pinged(item_id=f"item-{n % KEYS}", sent_at=time.perf_counter()))
    started = time.perf_counter()
    if not await _wait_handled(EVENTS, seconds=60):
        raise RuntimeError(f"only {PROBE.handled} of {EVENTS} events were handled in 60 s")
    return EVENTS / (time.perf_counter() - started)


async def _publish_one(container: Container, n: int, gate: asyncio.Semaphore) -> None:
    async with gate, unit_of_work(container.sessions) as session:
        publish(session, Pinged(item_id=f"item-{n % KEYS}", sent_at=time.perf_counter()))


async def measure_latency(container: Container) -> tuple[float, float]:
    """One event per transaction at PACED_RATE for PACED_SECONDS, from up to PUBLISHERS
    concurrent publishers (like API requests); returns (p50, p99) publish-to-handler seconds."""
    PROBE.handled, PROBE.latencies = 0, []
    total = PACED_RATE * PACED_SECONDS
    gate = asyncio.Semaphore(PUBLISHERS)
    started = time.perf_counter()
    async with asyncio.TaskGroup() as publishers:
        for n in range(total):
            delay = started + n / PACED_RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            publishers.create_task(_publish_one(container, n, gate))
    achieved = total / (time.perf_counter() - started)
    if not await _wait_handled(total, seconds=30):
        raise RuntimeError(f"only {PROBE.handled} of {total} paced events were handled")
    if achieved < PACED_RATE * 0.95:
        print(f"  note: publishing reached only {achieved:.0f} events/s of {PACED_RATE}")
    ordered = sorted(PROBE.latencies)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99) - 1]


async def run_setup(name: str, database_url: str, broker_url: str) -> Result:
    from shopkeeper.settings import load_settings

    container = build_container(load_settings(**_settings_for(database_url, broker_url)))
    registry = build_registry({"bench": {Pinged: [on_pinged]}})
    task = asyncio.create_task(run_bus(container, registry))
    try:
        await asyncio.sleep(1.0)  # the broker transport connects, consumer groups exist
        rate = await measure_throughput(container)
        p50, p99 = await measure_latency(container)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await container.close()
        await _purge_redis(container.settings.broker_namespace, broker_url)
    return Result(name, rate, p99, p50)


async def _purge_redis(namespace: str, broker_url: str) -> None:
    if not broker_url.startswith("redis"):
        return
    import redis.asyncio as redis

    client = redis.Redis.from_url(broker_url)
    keys = [key async for key in client.scan_iter(match=f"{namespace}-*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="sk-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_async(url)
        yield url


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    name = f"sk_bench_{os.getpid()}"
    admin = create_async_engine(
        PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
        await upgrade_async(url)
        yield url
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def reachable() -> str | None:
    """None when PostgreSQL and Redis answer, else why not."""
    import redis.asyncio as redis

    try:
        engine = create_async_engine(PG_URL)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        await engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({type(exc).__name__})"
    try:
        client = redis.Redis.from_url(REDIS_URL)
        await client.ping()
        await client.aclose()
    except Exception as exc:
        return f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__})"
    return None


def report(result: Result) -> None:
    print(
        f"  {result.setup:<28} {result.rate:8.0f} events/s  ({result.rate / TARGET_RATE:.2f}x "
        f"the {TARGET_RATE}/s target)   p99 {result.p99 * 1000:6.1f} ms, p50 "
        f"{result.p50 * 1000:5.1f} ms at {PACED_RATE}/s  ({TARGET_P99 / result.p99:.1f}x under "
        f"the {TARGET_P99 * 1000:.0f} ms target)",
        flush=True,
    )


async def run() -> None:
    print(
        f"  a backlog of {EVENTS} events over {KEYS} keys, then {PACED_RATE} events/s "
        f"for {PACED_SECONDS} s, each in its own transaction ({PUBLISHERS} publishers at once)"
    )
    async with sqlite_database() as url:
        report(await run_setup("SQLite embedded", url, "memory://"))
    why_not = await reachable()
    if why_not:
        print(f"  PostgreSQL + Redis Streams: skipped: {why_not}")
        return
    async with postgres_database() as url:
        report(await run_setup("PostgreSQL + Redis Streams", url, REDIS_URL))


def main() -> None:
    logging.getLogger("faststream").setLevel(logging.ERROR)
    asyncio.run(run())


if __name__ == "__main__":
    main()
