"""Telegram updates per second: `POST /telegram/{bot_id}` → /start or /help → the reply sent.

Our side is one `shopkeeper api` process (SQLite, webhook mode): each update is authenticated
by its secret header, recorded (redeliveries are dropped), its sender resolved to a known
customer, answered by the real handler, and the answer sent to a fake Bot API before the 200.
The baseline is a bare aiogram Dispatcher in a raw ASGI app whose one handler echoes the text
on the same fake, also before its 200. Both run alone as one uvicorn process; the fake runs in
a process of its own and counts the replies (every update must get one). USERS Telegram users
say /start once before measuring, so the measured updates come from known users; CONCURRENCY
keep-alive connections then post /start and /help for DURATION seconds to each target, in
ROUNDS interleaved rounds (both servers stay up); the ratio is the median of the rounds'.
Target: ≥ 0.5× the bare dispatcher. Run alone: `python -m bench telegram_updates`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bench.http_api import HOST, _read_response, _request, _run_fast, _server, _service_env

USERS = 200
CONCURRENCY = 16
WARMUP = 1.5
DURATION = 6.0
ROUNDS = 3
TARGET_RATIO = 0.5
TOKEN = "7000000001:AAbenchbenchbenchbenchbenchbenchben"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-tg-") as tmp:
        env = _service_env(Path(tmp))
        with _server([sys.executable, "-m", "bench.telegram_updates", "serve", "fake"], env) as fp:
            fake = f"http://{HOST}:{fp}"
            env = {
                **env,
                "SHOPKEEPER_TELEGRAM_API_URL": fake,
                "SHOPKEEPER_PUBLIC_URL": "https://bench.example",
                "BENCH_FAKE_URL": fake,
            }
            bot_id = _prepare(env)
            secret = json.loads(urllib.request.urlopen(f"{fake}/_stats").read())["secret"]
            headers = {SECRET_HEADER: secret}
            bare_command = [sys.executable, "-m", "bench.telegram_updates", "serve", "bare"]
            ours_command = [sys.executable, "-m", "shopkeeper", "api"]
            with _server(bare_command, env) as bare_port, _server(ours_command, env) as port:
                path = f"/telegram/{bot_id}"
                _drive(port, path, headers, [(_user(n), "/start") for n in range(USERS)], 0.0)
                rounds = []
                for _ in range(ROUNDS):  # interleaved, so a burst of noise hits both sides
                    bare = _measure("bare aiogram", bare_port, "/webhook", {}, fake)
                    ours = _measure("POST /telegram/{bot}", port, path, headers, fake)
                    rounds.append((bare, ours))
    _report(rounds)


def _prepare(env: dict[str, str]) -> str:
    from shopkeeper.migrate import upgrade

    upgrade(env["SHOPKEEPER_DATABASE_URL"])
    return asyncio.run(_seed(env))


async def _seed(env: dict[str, str]) -> str:
    """A shop with a superuser owner, and its bot connected (getMe and setWebhook on the fake)."""
    from shopkeeper import identity, shops
    from shopkeeper.audit import Actor
    from shopkeeper.bootstrap import build_container
    from shopkeeper.bots.telegram import connect_bot
    from shopkeeper.db import unit_of_work
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=env["SHOPKEEPER_DATABASE_URL"],
        secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"],
        public_url="https://bench.example",
        telegram_api_url=env["SHOPKEEPER_TELEGRAM_API_URL"],
    )
    container = build_container(settings)
    actor, now = Actor.system("bench"), container.clock.now()
    try:
        async with unit_of_work(container.sessions) as session:
            admin = await identity.create_user(
                session,
                email="bench@example.com",
                password="bench-password-123",
                full_name="Bench",
                is_superuser=True,
                now=now,
            )
            data = shops.ShopCreate(slug="bench", name="Bench", currency="EUR", timezone="UTC")
            shop = await shops.create_shop(session, data=data, creator=admin, actor=actor, now=now)
        read = await connect_bot(container, shop_id=shop.id, token=TOKEN, actor=actor)
    finally:
        await container.close()
    return str(read.id)


def _user(n: int) -> dict[str, Any]:
    return {"id": 100_000 + n, "is_bot": False, "first_name": f"User{n}", "language_code": "en"}


_update_ids = itertools.count(1)


def _update(user: dict[str, Any], text: str) -> bytes:
    number = next(_update_ids)
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    message = {
        "message_id": number,
        "from": user,
        "chat": chat,
        "date": 1_700_000_000,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return json.dumps({"update_id": number, "message": message}).encode()


def _drive(
    port: int,
    path: str,
    headers: dict[str, str],
    work: list[tuple[dict[str, Any], str]] | None,
    duration: float,
) -> tuple[int, int, list[float]]:
    """Post updates on CONCURRENCY connections: the `work` given, or for `duration` seconds
    /start and /help from known users in turn. (updates answered 200, errors, latencies)"""
    latencies: list[float] = []
    errors = 0
    queue = list(work) if work is not None else None
    turns = itertools.cycle([(_user(n % USERS), ("/start", "/help")[n % 2]) for n in range(997)])
    head = {"Content-Type": "application/json", **headers}

    async def connection(deadline: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        while queue if queue is not None else time.perf_counter() < deadline:
            user, text = queue.pop() if queue is not None else next(turns)
            sent = time.perf_counter()
            writer.write(_request("POST", path, head, _update(user, text)))
            status, _ = await _read_response(reader)
            latencies.append(time.perf_counter() - sent)
            errors += status != 200
        writer.close()

    async def run() -> None:
        deadline = time.perf_counter() + duration
        await asyncio.gather(*(connection(deadline) for _ in range(CONCURRENCY)))

    _run_fast(run())
    return len(latencies) - errors, errors, latencies


def _measure(name: str, port: int, path: str, headers: dict[str, str], fake: str) -> dict[str, Any]:
    _drive(port, path, headers, None, WARMUP)
    before = _replies(fake)
    started = time.perf_counter()
    answered, errors, latencies = _drive(port, path, headers, None, DURATION)
    seconds = time.perf_counter() - started
    replies = _replies(fake) - before
    ordered = sorted(latencies) or [0.0]
    return {
        "name": name,
        "rate": answered / seconds,
        "errors": errors,
        "replies": replies,
        "answered": answered,
        "p50": ordered[len(ordered) // 2] * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


def _replies(fake: str) -> int:
    return int(json.loads(urllib.request.urlopen(f"{fake}/_stats").read())["sent"])


def _report(rounds: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    print(f"{CONCURRENCY} connections, {ROUNDS} interleaved rounds of {DURATION:.0f} s per target,")
    print(f"{USERS} known users")
    print(f"{'target':<24}{'updates/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'replies':>9}{'errors':>8}")
    ratios = []
    for bare, ours in rounds:
        for run in (bare, ours):
            print(
                f"{run['name']:<24}{run['rate']:>10.0f}{run['p50']:>9.2f}{run['p99']:>9.2f}"
                f"{run['replies']:>9}{run['errors']:>8}"
            )
            if run["replies"] < run["answered"]:
                print(
                    f"warning: {run['name']}: {run['answered']} updates, {run['replies']} replies"
                )
        ratios.append(ours["rate"] / bare["rate"])
    ratio = statistics.median(ratios)
    verdict = "MEETS" if ratio >= TARGET_RATIO else "MISSES"
    each = ", ".join(f"{r:.2f}" for r in ratios)
    print(
        f"ours {ratio:.2f}x the bare dispatcher (median of {each}): {verdict} the target of "
        f"{TARGET_RATIO}x"
    )


# -- the fake Bot API and the bare dispatcher (each served by `serve`) ---------------------------
_state: dict[str, Any] = {"sent": 0, "secret": ""}
_ME = {
    "id": 7_000_000_001,
    "is_bot": True,
    "first_name": "Bench",
    "username": "bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


async def fake_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Bot API answers in their real shape; sendMessage is counted, setWebhook's secret kept."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    method = scope["path"].rsplit("/", 1)[-1].lower()
    answer = json.dumps(_answer(method, _form(scope, body))).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(answer)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _form(scope: dict[str, Any], body: bytes) -> dict[str, str]:
    kind = dict(scope["headers"]).get(b"content-type", b"")
    if kind.startswith(b"application/json"):
        return json.loads(body or b"{}")  # type: ignore[no-any-return]
    if kind.startswith(b"multipart/form-data"):
        return _multipart(body, kind)
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def _multipart(body: bytes, kind: bytes) -> dict[str, str]:
    boundary = b"--" + kind.split(b"boundary=", 1)[1].strip(b'"')
    fields = {}
    for part in body.split(boundary)[1:-1]:
        head, _, value = part.partition(b"\r\n\r\n")
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        fields[name] = value.rstrip(b"\r\n").decode()
    return fields


def _answer(method: str, form: dict[str, Any]) -> dict[str, Any]:
    if method == "_stats":
        return {"sent": _state["sent"], "secret": _state["secret"]}
    if method == "getme":
        return {"ok": True, "result": _ME}
    if method == "setwebhook":
        _state["secret"] = form.get("secret_token", "")
    if method == "sendmessage":
        _state["sent"] += 1
        chat = {"id": int(form.get("chat_id", 0)), "type": "private", "first_name": "U"}
        result = {
            "message_id": _state["sent"],
            "date": 1_700_000_000,
            "chat": chat,
            "text": form.get("text", ""),
            "from": _ME,
        }
        return {"ok": True, "result": result}
    return {"ok": True, "result": True}


def bare_app() -> Any:
    """A raw ASGI app feeding each POSTed update to a bare Dispatcher that echoes the text."""
    import os

    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message, Update

    bot = Bot(
        TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BENCH_FAKE_URL"]))
    )
    dispatcher = Dispatcher()

    @dispatcher.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        update = Update.model_validate_json(body, context={"bot": bot})
        await dispatcher.feed_update(bot, update)
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]}
        )
        await send({"type": "http.response.body", "body": b""})

    return app


def _serve(argv: list[str]) -> None:
    """`python -m bench.telegram_updates serve fake|bare --host H --port P`."""
    import uvicorn

    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    target = (
        "bench.telegram_updates:fake_app"
        if argv[0] == "fake"
        else "bench.telegram_updates:bare_app"
    )
    uvicorn.run(target, factory=argv[0] == "bare", host=host, port=port, log_config=None)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2:])
    else:
        main()
