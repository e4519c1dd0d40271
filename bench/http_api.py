"""HTTP API throughput: GET /api/health and authenticated GET /api/v1/auth/me vs a raw ASGI app.

Each server runs alone as one uvicorn process with the same settings (`uvicorn.run`,
log_config=None: uvloop + httptools when installed); the service has a fresh, migrated SQLite
database and a superuser made with `shopkeeper create-admin`. A keep-alive HTTP/1.1 client
(asyncio streams, CONCURRENCY connections) drives each target for DURATION seconds after a
warm-up, and the ratios to the raw baseline measured in the same run are printed.
Target: auth/me >= 0.25x raw. Run alone: `python -m bench http_api`.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
CONCURRENCY = 32
WARMUP = 1.0
DURATION = 5.0
TARGET_RATIO = 0.25
EMAIL, PASSWORD = "bench@example.com", "bench-password-123"
RAW_BODY = b'{"status":"ok"}'
T = TypeVar("T")


async def raw_app(scope: dict, receive: object, send: object) -> None:
    """The baseline: the least an ASGI app can do to answer with a small JSON body."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", b"15")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": RAW_BODY})  # type: ignore[operator]


def bare_fastapi() -> object:
    """A second reference: FastAPI with one endpoint and no middleware (the framework's floor)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/")
    async def ok() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    client_cpu: float  # share of one core the load generator used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-") as tmp:
        env = _service_env(Path(tmp))
        _cli(env, "migrate")
        _cli(env, "create-admin", "--email", EMAIL, "--password", PASSWORD)
        with _server([sys.executable, "-m", "bench.http_api", "serve", "raw_app"], env) as port:
            raw = _measure("raw ASGI", port, "/", {})
        with _server(
            [sys.executable, "-m", "bench.http_api", "serve", "bare_fastapi"], env
        ) as port:
            bare = _measure("bare FastAPI", port, "/", {})
        with _server([sys.executable, "-m", "shopkeeper", "api"], env) as port:
            token = _login(port)
            health = _measure("GET /api/health", port, "/api/health", {})
            me = _measure(
                "GET /api/v1/auth/me", port, "/api/v1/auth/me", {"Authorization": f"Bearer {token}"}
            )
    _report([raw, bare, health, me], raw)


def _service_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bench.db'}",
        "SHOPKEEPER_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SHOPKEEPER_BROKER_URL": "memory://",
        # The limiter stays on (its store is hit per request) but must not answer 429 here.
        "SHOPKEEPER_RATE_LIMIT_PER_MINUTE": str(10**9),
        "SHOPKEEPER_LOG_JSON": "true",
        "PYTHONPATH": str(ROOT),
    }


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "shopkeeper", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def _server(command: list[str], env: dict[str, str]) -> Iterator[int]:
    """Start a server on a free port, wait until it answers, stop it afterwards."""
    port = _free_port()
    process = subprocess.Popen(
        [*command, "--host", HOST, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                wait_until_settled(process.pid)
                return
        time.sleep(0.1)
    raise RuntimeError("server did not start listening within 30 s")


def wait_until_settled(pid: int, *, timeout: float = 120.0) -> None:
    """Wait until a server and its child processes have finished starting: their CPU time
    stops growing. `api --workers N` listens as soon as its parent binds the socket, before
    the workers have imported the app; a client that connects then has every keep-alive
    connection accepted by whichever worker is ready first, and measures one process."""
    deadline = time.monotonic() + timeout
    before = _tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _tree_cpu_seconds(pid)
        if now - before < 0.05:  # under 10 % of a core over the last half second
            return
        before = now


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as listed:
            children = [int(child) for child in listed.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_tree_cpu_seconds(child) for child in children)


Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def open_connections(port: int, count: int) -> list[Streams]:
    """`count` keep-alive connections, opened one after another, each answering a health
    check before the next opens: with several server processes on one socket, every idle
    process then has its chance at each connection, instead of the first to wake taking a
    whole burst of them."""
    opened: list[Streams] = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(_request("GET", "/api/health", {}))
        await _read_response(reader)
        opened.append((reader, writer))
        await asyncio.sleep(0.01)
    return opened


def _login(port: int) -> str:
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    request = _request("POST", "/api/v1/auth/login", {"Content-Type": "application/json"}, body)

    async def call() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(HOST, port)
        writer.write(request)
        response = await _read_response(reader)
        writer.close()
        return response

    status, payload = asyncio.run(call())
    if status != 200:
        raise RuntimeError(f"login failed with {status}: {payload[:200]!r}")
    return str(json.loads(payload)["access_token"])


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return status, await reader.readexactly(length)


def _measure(name: str, port: int, path: str, headers: dict[str, str]) -> Result:
    request = _request("GET", path, headers)
    _load(port, request, WARMUP)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    latencies, errors = _load(port, request, DURATION)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return Result(name, len(latencies), errors, seconds, latencies, cpu / seconds)


def _load(port: int, request: bytes, duration: float) -> tuple[list[float], int]:
    """CONCURRENCY keep-alive connections send `request` back to back for `duration` seconds."""
    latencies: list[float] = []
    errors = 0

    async def connection(deadline: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            writer.write(request)
            status, _body = await _read_response(reader)
            latencies.append(time.perf_counter() - sent)
            errors += status != 200
        writer.close()

    async def run() -> None:
        deadline = time.perf_counter() + duration
        await asyncio.gather(*(connection(deadline) for _ in range(CONCURRENCY)))

    _run_fast(run())
    return latencies, errors


def _run_fast(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _report(results: list[Result], raw: Result) -> None:
    print(f"{CONCURRENCY} connections, {DURATION:.0f} s per target, one uvicorn process each")
    columns = ("req/s", "p50 ms", "p99 ms", "ratio", "errors", "client")
    print(f"{'target':<22}" + "".join(f"{c:>9}" for c in columns))
    for result in results:
        print(
            f"{result.name:<22}{result.rps:>9.0f}{result.percentile(0.5):>9.2f}"
            f"{result.percentile(0.99):>9.2f}{result.rps / raw.rps:>8.2f}x{result.errors:>9}"
            f"{result.client_cpu:>9.0%}"
        )
    me = results[-1]
    verdict = "meets" if me.rps / raw.rps >= TARGET_RATIO else "MISSES"
    print(f"auth/me {me.rps / raw.rps:.2f}x raw: {verdict} the target of {TARGET_RATIO}x")
    if raw.client_cpu > 0.9:
        print("note: the load generator used ~a full core on the raw baseline, so raw req/s is")
        print("      a lower bound and the ratios are upper bounds.")


def _serve(argv: list[str]) -> None:
    """`python -m bench.http_api serve raw_app|bare_fastapi --host H --port P`: a reference."""
    import uvicorn

    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    factory = argv[0] == "bare_fastapi"
    uvicorn.run(f"bench.http_api:{argv[0]}", factory=factory, host=host, port=port, log_config=None)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2:])
    else:
        main()
