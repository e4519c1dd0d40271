"""Full checkout journeys per second over HTTP, next to a raw ASGI app, and SQL per step.

A journey is what a shopper's client does with an `X-Cart-Token`: three POST /cart/items (a
fridge, a lamp and a warranty tied to the fridge), the shipping methods, a courier that needs
a date, the address, the courier's calendar, a date, a promo code (and a rule promotion that
applies by itself), the payment methods, the sandbox, customer data, the summary, POST
/checkout/finalize with the summary's total; then the bench plays the bank: it posts the
sandbox's signed success webhook and polls GET /payment/status/{transaction_id} until the
worker has recorded the payment. CONCURRENCY shoppers (env SHOPKEEPER_BENCH_SHOPPERS) on
keep-alive connections make one warm-up journey each, then share JOURNEYS journeys (env
SHOPKEEPER_BENCH_JOURNEYS), on SQLite (`shopkeeper serve`, the embedded shape: API, relay
and consumers in one process) and, when SHOPKEEPER_BENCH_POSTGRES_URL points at a server, on
a fresh PostgreSQL database (`shopkeeper api --workers 2` and one `shopkeeper worker`), and
with SHOPKEEPER_BENCH_REDIS_URL as well in the scaled shape the README describes: Redis for the
broker (Streams), the cart views, the caches and the rate limiter.
Delivery dates come from a stand-in Calendar API in its own process. The raw ASGI app of
bench.http_api answers as many requests on as many connections first; the ratio compares
requests per second. Then one journey runs in-process (httpx ASGI transport) with a
SQLAlchemy `before_cursor_execute` listener: statements per step in the request, and in the
relay + consumers it sets off (beyond an idle poll; BEGIN/COMMIT are not counted). Errors
must be 0. Target: ≥ 100 journeys/s on PostgreSQL. Run alone: `python -m bench checkout`.
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
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._checkout_support import Plan, count_statements, seed
from bench.http_api import (
    HOST,
    ROOT,
    _free_port,
    _read_response,
    _request,
    _run_fast,
    _service_env,
    open_connections,
    wait_until_settled,
)
from bench.payments_webhooks import _postgres_database

JOURNEYS = int(os.environ.get("SHOPKEEPER_BENCH_JOURNEYS", "1000"))
CONCURRENCY = int(os.environ.get("SHOPKEEPER_BENCH_SHOPPERS", "16"))
PAY_TIMEOUT = 30.0  # seconds a journey waits for the worker to record the payment
POLL_SECONDS = 0.01
START_TIMEOUT = 180.0  # seconds a server may take to listen (a busy machine is slow)
TARGET = 100  # journeys/s on PostgreSQL
ADDRESS = {"name": "Ola Nowak", "street": "Marszałkowska 1", "city": "Warszawa",
           "country": "PL", "phone": "+48 600 100 200"}  # fmt: skip
CUSTOMER = {"email": "ola@example.com", "phone": "+48600100200", "name": "Ola Nowak"}


class JourneyFailed(Exception):
    pass


class Shopper:
    """One shopper's client; `_send` is the transport (a socket, or the ASGI app in-process)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.token: str | None = None
        self.requests = 0

    async def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        raise NotImplementedError

    async def _after(self, step: str, seconds: float) -> None:
        """Called once a step is done (a poll for the status counts as part of its step)."""

    async def call(
        self, step: str, method: str, path: str, data: Any = None, *, expect: int = 200,
        raw: tuple[bytes, dict[str, str]] | None = None, final: bool = True,
    ) -> Any:  # fmt: skip
        body, headers = raw or (b"", {})
        if data is not None:
            body, headers = json.dumps(data).encode(), {"Content-Type": "application/json"}
        if self.token:
            headers = {**headers, "X-Cart-Token": self.token}
        started = time.perf_counter()
        status, answer = await self._send(method, f"/api/v1/shops/{self.plan.slug}{path}",
                                          headers, body)  # fmt: skip
        self.requests += 1
        if status != expect:
            raise JourneyFailed(f"{step}: {status} {answer[:300].decode(errors='replace')}")
        if final:
            await self._after(step, time.perf_counter() - started)
        return json.loads(answer) if answer else None

    async def journey(self, number: int) -> None:
        self.token = None
        postal_code = f"{10 + number % 90:02d}-{number % 50:03d}"  # 50 calendar cache keys
        fridge = await self.call("POST /cart/items (fridge)", "POST", "/cart/items",
                                 _line("offer", self.plan.fridge), expect=201)  # fmt: skip
        self.token = fridge["cart_token"]
        await self.call("POST /cart/items (lamp)", "POST", "/cart/items",
                        _line("offer", self.plan.lamp), expect=201)  # fmt: skip
        await self.call("POST /cart/items (warranty)", "POST", "/cart/items",
                        _line("warranty", self.plan.warranty, fridge["item"]["id"]),
                        expect=201)  # fmt: skip
        await self.call("GET /shipping/available", "GET", "/shipping/available")
        await self.call("POST /shipping/select", "POST", "/shipping/select",
                        {"method_code": "courier"})  # fmt: skip
        await self.call("POST /shipping/address", "POST", "/shipping/address",
                        {**ADDRESS, "postal_code": postal_code})  # fmt: skip
        query = f"?method=courier&country=PL&postal_code={postal_code}"
        days = await self.call("GET /shipping/calendar", "GET", "/shipping/calendar" + query)
        await self.call("POST /shipping/set-date", "POST", "/shipping/set-date",
                        {"date": days["days"][0]["date"]})  # fmt: skip
        await self.call("POST /promotions/apply-code", "POST", "/promotions/apply-code",
                        {"code": self.plan.code})  # fmt: skip
        await self.call("GET /payment/available", "GET", "/payment/available")
        await self.call("POST /payment/select", "POST", "/payment/select", {"method": "sandbox"})
        await self.call("POST /checkout/customer-data", "POST", "/checkout/customer-data",
                        CUSTOMER)  # fmt: skip
        summary = await self.call("GET /checkout/summary", "GET", "/checkout/summary")
        done = await self.call("POST /checkout/finalize", "POST", "/checkout/finalize",
                               {"cart_id": fridge["cart_id"],
                                "expected_total": summary["totals"]["total"]},
                               expect=201)  # fmt: skip
        await self._pay(done)

    async def _pay(self, done: dict[str, Any]) -> None:
        """The bank's signed webhook, then the shopper's status page until it says paid."""
        payment = done["payment"] or {}
        if not payment.get("redirect_url"):
            raise JourneyFailed(f"finalize started no payment: {done.get('payment_error')}")
        payment_id = payment["redirect_url"].rstrip("/").rsplit("/", 1)[-1]
        hook = self.plan.webhook(payment_id, amount=done["order"]["total"])
        await self.call("POST /payment/webhook/sandbox", "POST", "/payment/webhook/sandbox",
                        raw=hook)  # fmt: skip
        started = time.perf_counter()
        path = f"/payment/status/{payment['transaction_id']}"
        while True:
            status = await self.call("GET /payment/status", "GET", path, final=False)
            if status["status"] == "success":
                break
            waited = time.perf_counter() - started
            if status["status"] != "pending" or waited > PAY_TIMEOUT:
                raise JourneyFailed(f"payment {status['status']} after {waited:.1f} s")
            await asyncio.sleep(POLL_SECONDS)
        await self._after("GET /payment/status (until paid)", time.perf_counter() - started)


def _line(kind: str, variant_id: str, parent: str | None = None) -> dict[str, Any]:
    line = {"type": kind, "variant_id": variant_id}
    return line if parent is None else {**line, "parent_item_id": parent}


class SocketShopper(Shopper):
    """A shopper on one keep-alive HTTP/1.1 connection; step times go to `timings`."""

    def __init__(self, plan: Plan, port: int, timings: dict[str, list[float]]) -> None:
        super().__init__(plan)
        self.port = port
        self.timings = timings
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(HOST, self.port)
        reader, writer = self.streams
        writer.write(_request(method, path, headers, body))
        return await _read_response(reader)

    async def _after(self, step: str, seconds: float) -> None:
        self.timings[step].append(seconds)

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-checkout-") as tmp:
        env = _service_env(Path(tmp))
        env["SHOPKEEPER_LOG_LEVEL"] = "WARNING"
        calendar_api = [sys.executable, "-m", "bench._checkout_support", "calendar"]
        with _process(calendar_api, env) as calendar:
            env["SHOPKEEPER_DELIVERY_CALENDAR_URL"] = f"http://{HOST}:{calendar}"
            results = [_raw_baseline(env)]
            serve = [sys.executable, "-m", "shopkeeper", "serve"]
            results.append(_against(env, "SQLite (serve)", serve, worker=False))
            pg = os.environ.get("SHOPKEEPER_BENCH_POSTGRES_URL")
            if pg:
                with _postgres_database(pg) as url:
                    api = [sys.executable, "-m", "shopkeeper", "api", "--workers", "2"]
                    pg_env = {**env, "SHOPKEEPER_DATABASE_URL": url}
                    results.append(_against(pg_env, "PostgreSQL (2 api + worker)", api,
                                            worker=True))  # fmt: skip
                if redis := os.environ.get("SHOPKEEPER_BENCH_REDIS_URL"):
                    with _postgres_database(pg) as url:
                        scaled = {**env, "SHOPKEEPER_DATABASE_URL": url,
                                  "SHOPKEEPER_REDIS_URL": redis, "SHOPKEEPER_BROKER_URL": redis,
                                  "SHOPKEEPER_BROKER_NAMESPACE": f"bench{os.getpid()}"}  # fmt: skip
                        results.append(_against(scaled, "PostgreSQL+Redis (2 api + worker)",
                                                api, worker=True))  # fmt: skip
    _report(results)


def _raw_baseline(env: dict[str, str]) -> Run:
    """As many requests as the journeys make (about 17 each), on as many connections."""
    total = max(2000, JOURNEYS * 17)
    request = _request("GET", "/", {})
    latencies: list[float] = []

    async def connection(count: int) -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        for _ in range(count):
            sent = time.perf_counter()
            writer.write(request)
            await _read_response(reader)
            latencies.append(time.perf_counter() - sent)
        writer.close()

    async def run() -> None:
        await asyncio.gather(*(connection(total // CONCURRENCY) for _ in range(CONCURRENCY)))

    with _process([sys.executable, "-m", "bench.http_api", "serve", "raw_app"], env) as port:
        started = time.perf_counter()
        _run_fast(run())
        seconds = time.perf_counter() - started
    return Run("raw ASGI", len(latencies), seconds, [])


def _against(env: dict[str, str], name: str, command: list[str], *, worker: bool) -> Run:
    from shopkeeper.migrate import upgrade

    url = env["SHOPKEEPER_DATABASE_URL"]
    upgrade(url)
    plan = asyncio.run(seed(env, stock=JOURNEYS + CONCURRENCY + 10))
    worker_command = [sys.executable, "-m", "shopkeeper", "worker"]
    with _process(command, env) as port, ExitStack() as stack:
        if worker:
            stack.enter_context(_process(worker_command, env, listen=False))
        run = _drive(name, port, plan)
    run.statements = asyncio.run(count_statements(env, plan))
    return run


@contextmanager
def _process(command: list[str], env: dict[str, str], *, listen: bool = True) -> Iterator[int]:
    """Start a process (on a free port when it `listen`s), wait until it answers, stop it
    afterwards; its output goes to a log file in the temp folder (read it after errors)."""
    port = _free_port()
    args = [*command, "--host", HOST, "--port", str(port)] if listen else command
    log = Path(tempfile.gettempdir()) / f"sk-bench-checkout-{'-'.join(command[2:4])}-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while listen and not _listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[2:4]} did not start; see {out.name}")
                time.sleep(0.1)
            if listen:
                wait_until_settled(process.pid)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


def _drive(name: str, port: int, plan: Plan) -> Run:
    """CONCURRENCY shoppers each make one journey unmeasured (a warm-up), then take journeys
    from one queue until all JOURNEYS are done; the clock runs from the end of the warm-up."""
    timings: dict[str, list[float]] = defaultdict(list)
    latencies: list[float] = []
    errors: list[str] = []
    numbers = list(range(JOURNEYS))
    made, warm, started = 0, asyncio.Barrier(CONCURRENCY), [0.0]

    async def journey(client: SocketShopper, number: int) -> float | None:
        begun = time.perf_counter()
        try:
            await client.journey(number)
        except (JourneyFailed, KeyError, IndexError, TypeError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            return None
        except (OSError, asyncio.IncompleteReadError) as exc:  # the server dropped us
            errors.append(f"{type(exc).__name__}: {exc}")
            client.close()
            return None
        return time.perf_counter() - begun

    async def shopper(warm_up: int, streams: Any) -> None:
        nonlocal made
        client = SocketShopper(plan, port, defaultdict(list))
        client.streams = streams
        await journey(client, JOURNEYS + warm_up)
        if await warm.wait() == 0:
            started[0] = time.perf_counter()
        client.timings, client.requests = timings, 0
        while numbers:
            if (seconds := await journey(client, numbers.pop())) is not None:
                latencies.append(seconds)
        made += client.requests
        client.close()

    async def run() -> None:
        connections = await open_connections(port, CONCURRENCY)
        await asyncio.gather(*(shopper(n, streams) for n, streams in enumerate(connections)))

    _run_fast(run())
    seconds = time.perf_counter() - started[0]
    return Run(name, made, seconds, latencies, errors, dict(timings))


def _report(results: list[Run]) -> None:
    raw, runs = results[0], results[1:]
    print(f"{JOURNEYS} journeys per database, {CONCURRENCY} shoppers (keep-alive connections)")
    print(f"{'target':<30}{'journeys/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}"
          f"{'ratio':>9}{'errors':>8}")  # fmt: skip
    print(f"{raw.name:<30}{'-':>11}{'-':>9}{'-':>9}{raw.rps:>8.0f}{1:>8.3f}x{0:>8}")
    for run in runs:
        print(
            f"{run.name:<30}{run.per_second:>11.1f}{run.percentile(0.5):>9.0f}"
            f"{run.percentile(0.99):>9.0f}{run.rps:>8.0f}{run.rps / raw.rps:>8.3f}x"
            f"{len(run.errors):>8}"
        )
    for run in runs:
        for error in sorted(set(run.errors))[:5]:
            print(f"  {run.name} error: {error}")
    _report_steps(runs)
    for run in runs:
        if run.name.startswith("PostgreSQL"):
            verdict = "meets" if run.per_second >= TARGET and not run.errors else "MISSES"
            print(f"PostgreSQL: {run.per_second:.0f} journeys/s: {verdict} the target of "
                  f"{TARGET}/s")  # fmt: skip


def _report_steps(runs: list[Run]) -> None:
    """Per step: mean ms under load, and SQL statements of one in-process journey."""
    steps = list(runs[0].statements or runs[0].timings)
    print("\nper step: mean ms under load | SQL statements in one journey: request + worker")
    names = "".join(f"{run.name.split(' ')[0]:>24}" for run in runs)
    print(f"{'step':<36}{names}")
    for step in steps:
        cells = ""
        for run in runs:
            spent = run.timings.get(step) or [0.0]
            api, worker = run.statements.get(step, (0, 0))
            cells += f"{sum(spent) / len(spent) * 1000:>9.1f} ms{api:>6} +{worker:>4}"
        print(f"{step:<36}{cells}")
    totals = "".join(
        f"{'':>12}{sum(a for a, _ in r.statements.values()):>6} +"
        f"{sum(w for _, w in r.statements.values()):>4}"
        for r in runs
    )
    print(f"{'total':<36}{totals}")


if __name__ == "__main__":
    main()
