"""Inbound webhook throughput: signed sandbox webhooks per second, next to a raw ASGI app.

Each webhook is the full path, in one transaction: stored raw, signature verified (HMAC-
SHA256), deduplicated on its event id, the payment captured, the ledger booked, the order
marked paid (orders.mark_paid) and the events written to the outbox — in one `shopkeeper
api` process on SQLite (and, when SHOPKEEPER_BENCH_POSTGRES_URL points at a server, with two
worker processes on a fresh PostgreSQL database). WARMUP + ORDERS pending orders with sandbox
payments are seeded in-process; CONCURRENCY keep-alive connections POST the WARMUP orders'
webhooks untimed, then every other success webhook once plus DUPLICATES redeliveries.
Afterwards every order must be paid exactly once.
Targets: ≥ 300/s on SQLite, ≥ 500/s on PostgreSQL (2 cores).
Run alone: `python -m bench payments_webhooks`.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bench.http_api import (
    _read_response,
    _request,
    _run_fast,
    _server,
    _service_env,
    open_connections,
)

ROOT = Path(__file__).resolve().parents[1]
ORDERS = 2000
DUPLICATES = 200
WARMUP = 400  # webhooks of further orders, sent first and not timed (each process warms up)
CONCURRENCY = 16
TARGETS = {"SQLite": 300, "PostgreSQL": 500}


@dataclass
class Run:
    name: str
    sent: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.sent / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-hooks-") as tmp:
        env = _service_env(Path(tmp))
        env["SHOPKEEPER_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
        env["SHOPKEEPER_LOG_LEVEL"] = "WARNING"
        results = [_raw_baseline(env)]
        results.append(_against(env, "SQLite", env["SHOPKEEPER_DATABASE_URL"], workers=1))
        pg = os.environ.get("SHOPKEEPER_BENCH_POSTGRES_URL")
        if pg:
            with _postgres_database(pg) as url:
                results.append(
                    _against({**env, "SHOPKEEPER_DATABASE_URL": url}, "PostgreSQL", url, workers=2)
                )
        _report(results)


def _raw_baseline(env: dict[str, str]) -> Run:
    requests = [_request("POST", "/", {"Content-Type": "application/json"}, b'{"id":"evt"}')] * (
        ORDERS + DUPLICATES
    )
    with _server([sys.executable, "-m", "bench.http_api", "serve", "raw_app"], env) as port:
        return _drive("raw ASGI", port, requests)


def _against(env: dict[str, str], name: str, url: str, *, workers: int) -> Run:
    from shopkeeper.migrate import upgrade

    upgrade(url)
    slug, deliveries = asyncio.run(_seed(env, url))
    requests = [
        _request("POST", f"/api/v1/shops/{slug}/payments/webhooks/sandbox", headers, body)
        for body, headers in deliveries
    ]
    warm, requests = requests[:WARMUP], requests[WARMUP:]
    command = [sys.executable, "-m", "shopkeeper", "api", "--workers", str(workers)]
    with _server(command, {**env, "SHOPKEEPER_DATABASE_URL": url}) as port:
        run = _drive(f"{name} ({workers} proc)", port, requests, warm)
    paid, booked = asyncio.run(_check(env, url))
    expected = ORDERS + WARMUP
    if (paid, booked) != (expected, expected):
        raise RuntimeError(
            f"{name}: {paid} orders paid and {booked} payments booked, expected {expected}"
        )
    return run


async def _seed(env: dict[str, str], url: str) -> tuple[str, list[tuple[bytes, dict[str, str]]]]:
    """A shop, a product, WARMUP + ORDERS pending orders with sandbox payments, and their
    signed webhooks: the WARMUP first, then the others with DUPLICATES redeliveries of them."""
    from shopkeeper.bootstrap import build_container
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=url,
        secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"],
        public_url="https://bench.example",
    )
    container = build_container(settings)
    try:
        shop, variant_id = await _seed_shop(container)
        payments = []
        total = WARMUP + ORDERS
        for batch in range(0, total, 100):
            payments += await _seed_payments(container, shop, variant_id, min(100, total - batch))
        deliveries = await _signed(container, shop.id, payments)
    finally:
        await container.close()
    timed = deliveries[WARMUP:]
    return shop.slug, deliveries + random.Random(7).sample(timed, DUPLICATES)


async def _seed_shop(container: Any) -> tuple[Any, uuid.UUID]:
    from shopkeeper import catalog, identity, shops
    from shopkeeper.audit import Actor
    from shopkeeper.catalog import PriceIn, ProductCreate
    from shopkeeper.db import unit_of_work

    actor, now = Actor.system("bench"), container.clock.now()
    async with unit_of_work(container.sessions) as session:
        admin = await identity.create_user(
            session,
            email=f"b{uuid.uuid4().hex[:6]}@example.com",
            password="bench-password-123",
            full_name="",
            is_superuser=True,
            now=now,
        )
        data = shops.ShopCreate(
            slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench", currency="EUR", timezone="UTC"
        )
        shop = await shops.create_shop(session, data=data, creator=admin, actor=actor, now=now)
        product = ProductCreate(
            kind="digital",
            name="Ticket",
            published=True,
            prices=[PriceIn(currency="EUR", amount=1000)],
        )
        made = await catalog.create_product(
            session, shop_id=shop.id, data=product, actor=actor, now=now
        )
    return shop, made.variants[0].id


async def _seed_payments(
    container: Any, shop: Any, variant_id: uuid.UUID, count: int
) -> list[tuple[uuid.UUID, int]]:
    """`count` pending orders, each with a started sandbox payment, in one transaction."""
    from shopkeeper.db import unit_of_work

    async with unit_of_work(container.sessions) as session:
        return [
            await _order_with_payment(session, container, shop, variant_id) for _ in range(count)
        ]


async def _order_with_payment(
    session: Any, container: Any, shop: Any, variant_id: uuid.UUID
) -> tuple[uuid.UUID, int]:
    from shopkeeper import orders
    from shopkeeper.audit import Actor
    from shopkeeper.payments.providers import build_provider
    from shopkeeper.payments.schemas import PaymentCreate
    from shopkeeper.payments.service.starting import open_payment, record_start

    actor, now = Actor.system("bench"), container.clock.now()
    item = orders.OrderItemIn(variant_id=variant_id, quantity=1)
    order = await orders.place_order(
        session,
        shop_id=shop.id,
        customer_id=None,
        currency="EUR",
        items=[item],
        promo_code=None,
        source="bench",
        now=now,
    )
    request, account = await open_payment(
        session,
        shop=shop,
        order_id=order.id,
        data=PaymentCreate(),
        settings=container.settings,
        secrets=container.secrets,
        actor=actor,
        now=now,
    )
    provider = build_provider("sandbox", container.settings)
    start = await provider.create_payment(account, request, idempotency_key=str(request.payment_id))
    await record_start(
        session, shop_id=shop.id, payment_id=request.payment_id, start=start, error=None, now=now
    )
    return request.payment_id, order.total


async def _signed(
    container: Any, shop_id: uuid.UUID, payments: list[tuple[uuid.UUID, int]]
) -> list[tuple[bytes, dict[str, str]]]:
    """Each payment's success webhook, signed now (within the 300 s tolerance when sent)."""
    from shopkeeper.db import unit_of_work
    from shopkeeper.payments.providers import sandbox
    from shopkeeper.payments.service.accounts import credentials

    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        account = await credentials(
            session, shop_id=shop_id, provider="sandbox", secrets=container.secrets, now=now
        )
    secret = str(account.config["webhook_secret"])
    return [
        sandbox.webhook(
            secret,
            kind="payment.succeeded",
            payment_id=payment_id,
            amount=total,
            currency="EUR",
            now=now,
        )
        for payment_id, total in payments
    ]


async def _check(env: dict[str, str], url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from shopkeeper.db import create_engine
    from shopkeeper.orders.models import Order
    from shopkeeper.payments.models import LedgerEntry

    engine = create_engine(url)
    async with engine.connect() as conn:
        paid = await conn.scalar(
            select(func.count()).select_from(Order).where(Order.state == "paid")
        )
        booked = await conn.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "payment")
        )
    await engine.dispose()
    return int(paid or 0), int(booked or 0)


def _drive(name: str, port: int, requests: list[bytes], warm: Sequence[bytes] = ()) -> Run:
    """CONCURRENCY keep-alive connections share the requests, each sent once, back to back;
    the `warm` ones first, untimed (every process compiles its statements, fills its caches)."""
    latencies: list[float] = []
    errors = 0

    async def connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, queue: list[bytes],
        timed: bool,
    ) -> None:  # fmt: skip
        nonlocal errors
        while queue:
            request = queue.pop()
            sent = time.perf_counter()
            writer.write(request)
            status, _body = await _read_response(reader)
            if timed:
                latencies.append(time.perf_counter() - sent)
            errors += status != 200

    async def run() -> float:
        connections = await open_connections(port, CONCURRENCY)
        warming = list(warm)
        await asyncio.gather(*(connection(*streams, warming, False) for streams in connections))
        queue = list(requests)
        started = time.perf_counter()
        await asyncio.gather(*(connection(*streams, queue, True) for streams in connections))
        seconds = time.perf_counter() - started
        for _reader, writer in connections:
            writer.close()
        return seconds

    seconds = _run_fast(run())
    return Run(name, len(requests), errors, seconds, latencies)


@contextmanager
def _postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the given server for the run, dropped afterwards."""
    name = f"sk_bench_{uuid.uuid4().hex[:8]}"
    _pg_admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        _pg_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(server_url: str, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(run())


def _report(results: list[Run]) -> None:
    raw = results[0]
    print(
        f"{ORDERS} orders, {ORDERS} webhooks + {DUPLICATES} redeliveries, {CONCURRENCY} connections"
    )
    print(f"{'target':<24}{'hooks/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>9}{'errors':>8}")
    for run in results:
        print(
            f"{run.name:<24}{run.rps:>9.0f}{run.percentile(0.5):>9.2f}{run.percentile(0.99):>9.2f}"
            f"{run.rps / raw.rps:>8.3f}x{run.errors:>8}"
        )
    for run in results[1:]:
        shape = run.name.split(" ", 1)[0]
        target = TARGETS[shape]
        verdict = "meets" if run.rps >= target else "MISSES"
        print(f"{shape}: {run.rps:.0f} webhooks/s: {verdict} the target of {target}/s")


if __name__ == "__main__":
    main()
