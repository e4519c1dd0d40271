"""Paid webhook → Discord role: the time from a sandbox `payment.succeeded` webhook leaving the
payer to the bot's `PUT /guilds/{g}/members/{u}/roles/{r}` arriving at a fake Discord API.

The whole path runs: webhook verified and stored, order paid, outbox → relay → subscriptions
(start) → access (grant) → the Discord strategy (PUT role) and notifications (a DM).
PURCHASES customers, each a guild member known by their Discord id, have a pending order of a
plan mapped to a role; after WARMUP unmeasured purchases, their signed webhooks are posted at
RATE per second on a few keep-alive connections. The fake Discord (tests.fakes.discord, in a
process of its own) notes the wall time each role call arrives. Shapes: SQLite with
`shopkeeper serve` (relay in process); and, when SHOPKEEPER_BENCH_POSTGRES_URL points at a
server, PostgreSQL with `shopkeeper api --workers 2` and two `shopkeeper worker`s over Redis
Streams (SHOPKEEPER_BENCH_REDIS_URL). The baseline is one HTTP call to the fake from here.
Target: p99 < 1 s. Run alone: `python -m bench discord_roles` (BENCH_DISCORD_PURCHASES,
BENCH_DISCORD_RATE, BENCH_DISCORD_API_PROCESSES, BENCH_DISCORD_WORKERS).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bench.http_api import (
    HOST,
    ROOT,
    _free_port,
    _read_response,
    _request,
    _run_fast,
    _server,
    _service_env,
    wait_until_settled,
)
from bench.payments_webhooks import _postgres_database

PURCHASES = int(os.environ.get("BENCH_DISCORD_PURCHASES", "1000"))
WARMUP = 30  # purchases first, not measured: a cold process takes ~1 s for its first ones
RATE = float(os.environ.get("BENCH_DISCORD_RATE", "10"))  # webhooks per second
CONNECTIONS = 4
API_PROCESSES = int(os.environ.get("BENCH_DISCORD_API_PROCESSES", "2"))  # scaled shape
WORKERS = int(os.environ.get("BENCH_DISCORD_WORKERS", "2"))
SETTLE_SECONDS = 60.0
START_SECONDS = 120.0  # a loaded two-core machine imports five processes at once
TARGET_P99_MS = 1000.0
PUBLIC_URL = "https://bench.example"


@dataclass
class Run:
    name: str
    latencies: list[float]  # seconds, webhook sent → role call arrived
    missing: int
    errors: int

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-discord-") as tmp:
        env = _service_env(Path(tmp))
        env["SHOPKEEPER_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
        env["SHOPKEEPER_LOG_LEVEL"] = "WARNING"
        with _server([sys.executable, "-m", "bench.discord_roles", "serve"], env) as fake_port:
            fake = f"http://{HOST}:{fake_port}"
            env = {**env, "SHOPKEEPER_DISCORD_API_URL": fake, "SHOPKEEPER_PUBLIC_URL": PUBLIC_URL}
            baseline = _baseline(fake)
            runs = [_against(env, fake, "SQLite", env["SHOPKEEPER_DATABASE_URL"], scaled=False)]
            pg = os.environ.get("SHOPKEEPER_BENCH_POSTGRES_URL")
            if pg:
                redis = os.environ.get("SHOPKEEPER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
                with _postgres_database(pg) as url:
                    scaled_env = {
                        **env,
                        "SHOPKEEPER_DATABASE_URL": url,
                        "SHOPKEEPER_BROKER_URL": redis,
                        "SHOPKEEPER_BROKER_NAMESPACE": f"b{uuid.uuid4().hex[:8]}",
                    }
                    runs.append(_against(scaled_env, fake, "PostgreSQL+Redis", url, scaled=True))
    _report(baseline, runs)


def _baseline(fake: str) -> float:
    """Median time of one GET to the fake from here: the floor of any role call."""
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        urllib.request.urlopen(f"{fake}/_bench/world").read()
        samples.append(time.perf_counter() - started)
    return sorted(samples)[len(samples) // 2] * 1000


def _against(env: dict[str, str], fake: str, name: str, url: str, *, scaled: bool) -> Run:
    from shopkeeper.migrate import upgrade

    upgrade(url)
    _post(f"{fake}/_bench/reset")
    world = json.loads(urllib.request.urlopen(f"{fake}/_bench/world").read())
    slug, deliveries = asyncio.run(_seed(env, url, world))
    path = f"/api/v1/shops/{slug}/payments/webhooks/sandbox"
    with _service(env, scaled=scaled) as port:
        _drive(port, path, deliveries[:WARMUP])
        _wait_for_arrivals(fake, WARMUP)
        sent, errors = _drive(port, path, deliveries[WARMUP:])
        arrivals = _wait_for_arrivals(fake, WARMUP + len(sent))
    latencies = [arrivals[user] - at for user, at in sent.items() if user in arrivals]
    return Run(name, latencies, len(sent) - len(latencies), errors)


@contextmanager
def _service(env: dict[str, str], *, scaled: bool) -> Iterator[int]:
    """`shopkeeper serve` (embedded), or `api --workers N` beside `worker`s (scaled)."""
    if not scaled:
        with _server([sys.executable, "-m", "shopkeeper", "serve"], env) as port:
            yield port
        return
    with ExitStack() as stack:
        for _ in range(WORKERS):
            worker = subprocess.Popen(
                [sys.executable, "-m", "shopkeeper", "worker"], env=env, cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            stack.callback(_stop, worker)
        api = [sys.executable, "-m", "shopkeeper", "api", "--workers", str(API_PROCESSES)]
        yield stack.enter_context(_slow_server(api, env))


@contextmanager
def _slow_server(command: list[str], env: dict[str, str]) -> Iterator[int]:
    """`_server` with a longer start-up wait: `api --workers N` listens only once a forked
    process has imported the app, beside the workers' imports on the same cores."""
    port = _free_port()
    process = subprocess.Popen(
        [*command, "--host", HOST, "--port", str(port)], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[3]} did not listen within {START_SECONDS:.0f} s")
            time.sleep(0.1)
        wait_until_settled(process.pid)
        yield port
    finally:
        _stop(process)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _seed(
    env: dict[str, str], url: str, world: dict[str, Any]
) -> tuple[str, list[tuple[str, bytes, dict[str, str]]]]:
    """A shop connected to the fake guild, a plan mapped to its role, PURCHASES customers with a
    pending order and a started sandbox payment each, and their signed success webhooks."""
    from shopkeeper.bootstrap import build_container
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=url, secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"], public_url=PUBLIC_URL,
        discord_api_url=env["SHOPKEEPER_DISCORD_API_URL"],
    )  # fmt: skip
    container = build_container(settings)
    try:
        shop, variant_id = await _seed_shop(container, world)
        users: list[str] = world["users"][: WARMUP + PURCHASES]
        payments: list[tuple[str, uuid.UUID, int]] = []
        for start in range(0, len(users), 100):
            payments += await _seed_orders(container, shop, variant_id, users[start : start + 100])
        return shop.slug, await _signed(container, shop.id, payments)
    finally:
        await container.close()


async def _seed_shop(container: Any, world: dict[str, Any]) -> tuple[Any, uuid.UUID]:
    from shopkeeper import catalog, identity, shops
    from shopkeeper.audit import Actor
    from shopkeeper.bots import discord
    from shopkeeper.catalog import PlanTerms, PriceIn, ProductCreate
    from shopkeeper.db import unit_of_work

    actor, now = Actor.system("bench"), container.clock.now()
    async with unit_of_work(container.sessions) as session:
        admin = await identity.create_user(
            session, email=f"b{uuid.uuid4().hex[:6]}@example.com", password="bench-password-123",
            full_name="", is_superuser=True, now=now,
        )  # fmt: skip
        data = shops.ShopCreate(
            slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench", currency="EUR", timezone="UTC"
        )
        shop = await shops.create_shop(session, data=data, creator=admin, actor=actor, now=now)
        product = ProductCreate(
            kind="plan", name="Premium", published=True, plan=PlanTerms(period_unit="month"),
            prices=[PriceIn(currency="EUR", amount=1000)],
        )  # fmt: skip
        plan = await catalog.create_product(
            session, shop_id=shop.id, data=product, actor=actor, now=now
        )
    connection = discord.ConnectionCreate(
        application_id=world["application_id"], public_key=world["public_key"],
        bot_token=world["token"], client_secret=world["client_secret"],
        guild_id=world["guild_id"],
    )  # fmt: skip
    await discord.connect(container, shop_id=shop.id, data=connection, actor=actor)
    mapping = discord.RoleMap(product_id=plan.id, role_id=world["role_id"])
    await discord.map_role(container, shop_id=shop.id, data=mapping, actor=actor)
    return shop, plan.variants[0].id


async def _seed_orders(
    container: Any, shop: Any, variant_id: uuid.UUID, users: list[str]
) -> list[tuple[str, uuid.UUID, int]]:
    """For each Discord user: a customer, a pending order of the plan, a sandbox payment."""
    from shopkeeper import identity, orders
    from shopkeeper.audit import Actor
    from shopkeeper.db import unit_of_work
    from shopkeeper.payments.providers import build_provider
    from shopkeeper.payments.schemas import PaymentCreate
    from shopkeeper.payments.service.starting import open_payment, record_start

    actor, now = Actor.system("bench"), container.clock.now()
    provider = build_provider("sandbox", container.settings)
    made = []
    async with unit_of_work(container.sessions) as session:
        for user in users:
            customer = await identity.find_or_create_customer(
                session, shop_id=shop.id, kind="discord", value=user, now=now
            )
            order = await orders.place_order(
                session, shop_id=shop.id, customer_id=customer.id, currency="EUR",
                items=[orders.OrderItemIn(variant_id=variant_id, quantity=1)], promo_code=None,
                source="bench", now=now,
            )  # fmt: skip
            request, account = await open_payment(
                session, shop=shop, order_id=order.id, data=PaymentCreate(),
                settings=container.settings, secrets=container.secrets, actor=actor, now=now,
            )  # fmt: skip
            start = await provider.create_payment(
                account, request, idempotency_key=str(request.payment_id)
            )
            await record_start(session, shop_id=shop.id, payment_id=request.payment_id,
                               start=start, error=None, now=now)  # fmt: skip
            made.append((user, request.payment_id, order.total))
    return made


async def _signed(
    container: Any, shop_id: uuid.UUID, payments: list[tuple[str, uuid.UUID, int]]
) -> list[tuple[str, bytes, dict[str, str]]]:
    from shopkeeper.db import unit_of_work
    from shopkeeper.payments.providers import sandbox
    from shopkeeper.payments.service.accounts import credentials

    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        account = await credentials(
            session, shop_id=shop_id, provider="sandbox", secrets=container.secrets, now=now
        )
    secret = str(account.config["webhook_secret"])
    signed = []
    for user, payment_id, total in payments:
        body, headers = sandbox.webhook(secret, kind="payment.succeeded", payment_id=payment_id,
                                        amount=total, currency="EUR", now=now)  # fmt: skip
        signed.append((user, body, headers))
    return signed


def _drive(
    port: int, path: str, deliveries: list[tuple[str, bytes, dict[str, str]]]
) -> tuple[dict[str, float], int]:
    """Post webhook i at start + i / RATE on CONNECTIONS keep-alive connections; the wall time
    each was sent, per Discord user, and how many were not answered 200."""
    sent: dict[str, float] = {}
    errors = 0
    queue = list(enumerate(deliveries))
    queue.reverse()

    async def connection(start: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        while queue:
            index, (user, body, headers) = queue.pop()
            delay = start + index / RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[user] = time.time()
            writer.write(_request("POST", path, headers, body))
            status, _body = await _read_response(reader)
            errors += status != 200
        writer.close()

    async def run() -> None:
        start = time.perf_counter()
        await asyncio.gather(*(connection(start) for _ in range(CONNECTIONS)))

    _run_fast(run())
    return sent, errors


def _wait_for_arrivals(fake: str, expected: int) -> dict[str, float]:
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        arrivals: dict[str, float] = json.loads(
            urllib.request.urlopen(f"{fake}/_bench/arrivals").read()
        )
        if len(arrivals) >= expected or time.monotonic() > deadline:
            return arrivals
        time.sleep(0.2)


def _post(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST")).read()


def _report(baseline_ms: float, runs: list[Run]) -> None:
    print(f"{PURCHASES} purchases, webhooks paced at {RATE:.0f}/s on {CONNECTIONS} connections")
    print(f"baseline: one HTTP call to the fake Discord, median {baseline_ms:.2f} ms")
    print(f"{'shape':<20}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'p99/base':>10}{'missing':>9}"
          f"{'errors':>8}")  # fmt: skip
    for run in runs:
        print(
            f"{run.name:<20}{run.percentile(0.5):>9.1f}{run.percentile(0.99):>9.1f}"
            f"{run.percentile(1.0):>9.1f}{run.percentile(0.99) / baseline_ms:>9.0f}x"
            f"{run.missing:>9}{run.errors:>8}"
        )
    for run in runs:
        ok = run.percentile(0.99) < TARGET_P99_MS and not run.missing and not run.errors
        verdict = "meets" if ok else "MISSES"
        print(f"{run.name}: p99 {run.percentile(0.99):.0f} ms: {verdict} the target of "
              f"p99 < {TARGET_P99_MS:.0f} ms")  # fmt: skip
    if not os.environ.get("SHOPKEEPER_BENCH_POSTGRES_URL"):
        print("PostgreSQL skipped: set SHOPKEEPER_BENCH_POSTGRES_URL to a server to run it")


# -- the fake Discord process ---------------------------------------------------------------
def fake_app() -> Any:
    """A fake Discord with one guild, the bot's app, PURCHASES members and a "Premium" role;
    `/_bench/world` describes it, `/_bench/arrivals` says when each member's role call came."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from tests.fakes.discord import FakeDiscord

    class BenchDiscord(FakeDiscord):
        def __init__(self) -> None:
            super().__init__()
            self.arrivals: dict[str, float] = {}

        async def _add_role(self, request: Request, body: Any) -> Any:
            self.arrivals.setdefault(request.path_params["user_id"], time.time())
            return await super()._add_role(request, body)

    fake = BenchDiscord()
    app = fake.add_app("Shopkeeper")
    guild = fake.add_guild("Bench", fake.add_user("owner"), bot_of=app)
    premium = guild.add_role("Premium", position=1)
    users = [fake.add_user(f"member{n}") for n in range(WARMUP + PURCHASES)]
    for user in users:
        fake.join(guild, user)
    world = {
        "application_id": app.id, "public_key": app.public_key, "token": app.token,
        "client_secret": app.client_secret, "guild_id": guild.id, "role_id": premium.id,
        "users": [u.id for u in users],
    }  # fmt: skip

    async def describe(request: Request) -> JSONResponse:
        return JSONResponse(world)

    async def arrivals(request: Request) -> JSONResponse:
        return JSONResponse(fake.arrivals)

    async def reset(request: Request) -> JSONResponse:
        fake.arrivals.clear()
        fake.calls.clear()
        fake.messages.clear()
        for member in guild.members.values():
            if member.user.id != app.bot.id:
                member.roles.clear()
        return JSONResponse({})

    starlette = fake.app()
    starlette.router.routes[:0] = [
        Route("/_bench/world", describe), Route("/_bench/arrivals", arrivals),
        Route("/_bench/reset", reset, methods=["POST"]),
    ]  # fmt: skip
    return starlette


def _serve(argv: list[str]) -> None:
    """`python -m bench.discord_roles serve --host H --port P`: the fake Discord."""
    import uvicorn

    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    uvicorn.run("bench.discord_roles:fake_app", factory=True, host=host, port=port,
                log_config=None)  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2:])
    else:
        main()
