"""Server time of the admin's dashboard and list pages on the `--large` data set.

`shopkeeper demo --large` fills a database (1,000,000 orders and 100,000 customers in the
shop `outlet` by default; BENCH_ADMIN_ORDERS, BENCH_ADMIN_CUSTOMERS), then this process
serves the app in-process (ASGI, no network), signs in as the demo admin and asks each page
ROUNDS times after WARMUP untimed requests: p50 and p99 in milliseconds, as a ratio to the
health check measured the same way in the same run, and against the 300 ms target. SQLite
always; PostgreSQL too when SHOPKEEPER_BENCH_POSTGRES_URL names a server (a fresh database);
BENCH_ADMIN_BACKENDS=postgresql measures only that one.
Run alone: `python -m bench admin_pages`.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from httpx import ASGITransport, AsyncClient

from bench.http_api import _cli, _service_env
from bench.payments_webhooks import _postgres_database

ORDERS = int(os.environ.get("BENCH_ADMIN_ORDERS", "1000000"))
CUSTOMERS = int(os.environ.get("BENCH_ADMIN_CUSTOMERS", "100000"))
ROUNDS = int(os.environ.get("BENCH_ADMIN_ROUNDS", "30"))
# Which databases to measure ("sqlite,postgresql"; PostgreSQL needs its URL as well).
BACKENDS = os.environ.get("BENCH_ADMIN_BACKENDS", "sqlite,postgresql").split(",")
WARMUP = 3
TARGET_MS = 300.0
PASSWORD = "bench-admin-password-1"
SHOP = "/admin/s/outlet"
PAGES = (
    ("dashboard", f"{SHOP}/dashboard"),
    ("orders", f"{SHOP}/orders"),
    ("orders, paid", f"{SHOP}/orders?state=paid"),
    ("orders, by total", f"{SHOP}/orders?sort=total_desc"),
    ("orders, page 200", f"{SHOP}/orders?page=200"),
    ("orders, a number", f"{SHOP}/orders?number=654321"),
    ("one order", "{order}"),
    ("customers", f"{SHOP}/customers"),
    ("customers, a name", f"{SHOP}/customers?q=nowak"),
    ("customers, an email", f"{SHOP}/customers?q=customer4242%40outlet.example"),
    ("one customer", "{customer}"),
    ("payments", f"{SHOP}/payments"),
    ("webhook log", f"{SHOP}/payments/webhooks"),
    ("subscriptions", f"{SHOP}/subscriptions"),
    ("promo codes", f"{SHOP}/promo-codes"),
    ("audit log", f"{SHOP}/audit"),
)


@dataclass
class Timing:
    name: str
    p50: float
    p99: float


def main() -> None:
    results: list[tuple[str, list[Timing]]] = []
    with tempfile.TemporaryDirectory(prefix="sk-bench-admin-") as tmp:
        env = {**_service_env(Path(tmp)), "SHOPKEEPER_ADMIN_PASSWORD": PASSWORD,
               "SHOPKEEPER_LOG_LEVEL": "WARNING", "SHOPKEEPER_LOG_JSON": "true"}  # fmt: skip
        if "sqlite" in BACKENDS:
            results.append(("SQLite", _against(env)))
        pg = os.environ.get("SHOPKEEPER_BENCH_POSTGRES_URL")
        if pg and "postgresql" in BACKENDS:
            with _postgres_database(pg) as url:
                results.append(("PostgreSQL", _against({**env, "SHOPKEEPER_DATABASE_URL": url})))
    _report(results)


def _against(env: dict[str, str]) -> list[Timing]:
    started = time.perf_counter()
    _cli(env, "demo", "--large", "--large-orders", str(ORDERS),
         "--large-customers", str(CUSTOMERS))  # fmt: skip
    print(f"  data: {ORDERS:,} orders, {CUSTOMERS:,} customers in "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    return asyncio.run(_measure(env))


async def _measure(env: dict[str, str]) -> list[Timing]:
    from shopkeeper.app import create_app
    from shopkeeper.bootstrap import build_container
    from shopkeeper.logs import configure_logging
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=env["SHOPKEEPER_DATABASE_URL"], secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"], log_level="WARNING",
        rate_limit_per_minute=10**9,
    )  # fmt: skip
    configure_logging(settings)  # warnings only: a log line per request would be timed too
    container = build_container(settings)
    transport = ASGITransport(app=create_app(container=container))
    try:
        async with AsyncClient(transport=transport, base_url="http://bench") as client:
            await _sign_in(client)
            links = await _links(client)
            timings = [await _time(client, "health check", "/api/health")]
            for name, path in PAGES:
                timings.append(await _time(client, name, path.format(**links)))
    finally:
        await container.close()
    return timings


async def _sign_in(client: AsyncClient) -> None:
    page = await client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the login form carries its token"
    form = {"email": "admin@shopkeeper.local", "password": PASSWORD, "csrf_token": token[1]}
    answer = await client.post("/admin/login", data=form)
    assert answer.status_code == 303, answer.text


async def _links(client: AsyncClient) -> dict[str, str]:
    """An order's and a customer's address, found the way staff find them."""
    orders = (await client.get(f"{SHOP}/orders")).text
    customers = (await client.get(f"{SHOP}/customers")).text
    order = re.search(rf'href="({SHOP}/orders/[0-9a-f-]{{36}})"', orders)
    customer = re.search(rf'href="({SHOP}/customers/[0-9a-f-]{{36}})"', customers)
    assert order and customer, "the lists link to their rows"
    return {"order": order[1], "customer": customer[1]}


async def _time(client: AsyncClient, name: str, path: str) -> Timing:
    samples = []
    for round_ in range(WARMUP + ROUNDS):
        began = time.perf_counter()
        response = await client.get(path)
        took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if round_ >= WARMUP:
            samples.append(took)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return Timing(name, statistics.median(samples), p99)


def _report(results: list[tuple[str, list[Timing]]]) -> None:
    for database, timings in results:
        base = timings[0]
        print(f"\n{database}: server time per page, ms ({ROUNDS} rounds; "
              f"health check p50 {base.p50:.2f} ms = 1×)")  # fmt: skip
        print(f"  {'page':<22} {'p50':>8} {'p99':>8} {'p50 ×':>9}  target {TARGET_MS:.0f} ms")
        for t in timings[1:]:
            verdict = "met" if t.p99 < TARGET_MS else "MISSED"
            print(f"  {t.name:<22} {t.p50:8.1f} {t.p99:8.1f} {t.p50 / base.p50:8.0f}×  {verdict}")
