"""Broadcast delivery against a fake Bot API: the rate it holds, and the memory it needs.

One SQLite database, one process running the broadcast engine (as `shopkeeper serve` does),
the real aiogram client, and a fake Bot API in a process of its own that notes the wall time
each sendMessage arrives. RECIPIENTS people who started the shop's bot (telegram_user rows
written in bulk) get a broadcast at the free cap (30/s) and a paid one (1,000/s); for each,
the sustained rate ((n - 1) / (last arrival - first)) as a ratio to the cap, and the number of
one-second windows (starting at any arrival) holding more than the cap. Then MEMORY_RECIPIENTS
people get a paid broadcast while a sampler reads this process's resident memory: the peak
growth over the resident size just before sending. Targets: ≥ 0.9 × the cap with zero windows
above it; < 50 MB growth. Run alone: `python -m bench broadcasts` (BENCH_BROADCAST_RECIPIENTS,
BENCH_BROADCAST_MEMORY_RECIPIENTS; BENCH_BROADCAST_FREE=0 skips the 5.6-minute free run).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench.http_api import HOST, _server, _service_env
from bench.telegram_updates import _ME, _form, _seed

RECIPIENTS = int(os.environ.get("BENCH_BROADCAST_RECIPIENTS", "10000"))
MEMORY_RECIPIENTS = int(os.environ.get("BENCH_BROADCAST_MEMORY_RECIPIENTS", "100000"))
RUN_FREE = os.environ.get("BENCH_BROADCAST_FREE", "1") != "0"
FREE_CAP, PAID_CAP = 30.0, 1000.0
TARGET_RATIO, TARGET_MB = 0.9, 50.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sk-bench-broadcast-") as tmp:
        env = _service_env(Path(tmp))
        with _server([sys.executable, "-m", "bench.broadcasts", "serve"], env) as fake_port:
            fake = f"http://{HOST}:{fake_port}"
            env = {**env, "SHOPKEEPER_TELEGRAM_API_URL": fake}
            from shopkeeper.migrate import upgrade

            upgrade(env["SHOPKEEPER_DATABASE_URL"])
            bot_id = uuid.UUID(asyncio.run(_seed(env)))
            results = asyncio.run(_run(env, fake, bot_id))
    _report(results)


async def _run(env: dict[str, str], fake: str, bot_id: uuid.UUID) -> dict[str, Any]:
    from shopkeeper.bootstrap import build_container
    from shopkeeper.settings import load_settings

    settings = load_settings(
        database_url=env["SHOPKEEPER_DATABASE_URL"], secret_key=env["SHOPKEEPER_SECRET_KEY"],
        encryption_keys=env["SHOPKEEPER_ENCRYPTION_KEYS"], telegram_api_url=fake,
        public_url="https://bench.example", log_level="WARNING",
    )  # fmt: skip
    container = build_container(settings)
    results: dict[str, Any] = {}
    try:
        shop_id = await _add_people(container, bot_id, RECIPIENTS)
        results["paid"] = await _rate_run(container, fake, shop_id, paid=True)
        if RUN_FREE:
            results["free"] = await _rate_run(container, fake, shop_id, paid=False)
        await _add_people(container, bot_id, MEMORY_RECIPIENTS - RECIPIENTS)
        results["memory"] = await _memory_run(container, fake, shop_id)
    finally:
        await container.close()
    return results


async def _add_people(container: Any, bot_id: uuid.UUID, n: int) -> uuid.UUID:
    """`n` people who started the bot, written in bulk (as /start would leave them)."""
    from sqlalchemy import func, insert, select

    from shopkeeper.bots.telegram.models import TelegramBot, TelegramUser
    from shopkeeper.db import unit_of_work
    from shopkeeper.kit.ids import new_id

    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        shop_id = await session.scalar(select(TelegramBot.shop_id).where(TelegramBot.id == bot_id))
        first = int(await session.scalar(select(func.count()).select_from(TelegramUser)) or 0)
        for start in range(first, first + n, 5000):
            rows = [
                {"id": new_id(), "shop_id": shop_id, "bot_id": bot_id,
                 "telegram_user_id": 800_000_000 + i, "customer_id": new_id(),
                 "first_name": "B", "started_at": now, "created_at": now, "last_seen_at": now}
                for i in range(start, min(start + 5000, first + n))
            ]  # fmt: skip
            await session.execute(insert(TelegramUser), rows)
    assert shop_id is not None
    return uuid.UUID(str(shop_id))


async def _send(container: Any, shop_id: uuid.UUID, *, paid: bool) -> uuid.UUID:
    from shopkeeper.audit import Actor
    from shopkeeper.db import unit_of_work
    from shopkeeper.notifications.broadcasts import channel_for
    from shopkeeper.notifications.broadcasts.actions import send_broadcast
    from shopkeeper.notifications.broadcasts.schemas import AllCustomers, BroadcastCreate
    from shopkeeper.notifications.broadcasts.service import create_broadcast

    actor, now = Actor.system("bench"), container.clock.now()
    data = BroadcastCreate(text="<b>Bench</b> sale", audience=AllCustomers(), paid=paid)
    async with unit_of_work(container.sessions) as session:
        draft = await create_broadcast(session, shop_id=shop_id, data=data, actor=actor, now=now)
        await send_broadcast(
            session, channel_for(container), shop_id=shop_id, broadcast_id=draft.id,
            scheduled_at=None, actor=actor, now=now,
        )  # fmt: skip
    return draft.id


async def _rate_run(container: Any, fake: str, shop_id: uuid.UUID, *, paid: bool) -> dict[str, Any]:
    from shopkeeper.notifications.broadcasts import broadcast_engine

    _get(f"{fake}/_reset")
    broadcast_id = await _send(container, shop_id, paid=paid)
    await broadcast_engine(container).deliver(broadcast_id)
    arrivals = sorted(_get(f"{fake}/_arrivals")["arrivals"])
    cap = PAID_CAP if paid else FREE_CAP
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    rate = (len(arrivals) - 1) / span if span else 0.0
    return {"n": len(arrivals), "cap": cap, "rate": rate, "above": _windows_above(arrivals, cap),
            "busiest": _busiest(arrivals)}  # fmt: skip


def _windows_above(times: list[float], cap: float) -> int:
    """One-second windows [t, t + 1), t any arrival, that hold more than `cap` arrivals."""
    above, right = 0, 0
    for left, start in enumerate(times):
        while right < len(times) and times[right] < start + 1.0:
            right += 1
        above += (right - left) > cap
    return above


def _busiest(times: list[float]) -> int:
    best, right = 0, 0
    for left, start in enumerate(times):
        while right < len(times) and times[right] < start + 1.0:
            right += 1
        best = max(best, right - left)
    return best


async def _memory_run(container: Any, fake: str, shop_id: uuid.UUID) -> dict[str, Any]:
    from shopkeeper.notifications.broadcasts import broadcast_engine

    _get(f"{fake}/_reset")
    engine = broadcast_engine(container)
    before = _rss_mb()
    peak = before
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mb())
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    broadcast_id = await _send(container, shop_id, paid=True)  # the audience snapshot counts
    await engine.deliver(broadcast_id)
    seconds = time.perf_counter() - started
    done.set()
    await sampler
    sent = _get(f"{fake}/_arrivals")["count"]
    return {"n": sent, "before": before, "growth": peak - before, "seconds": seconds}


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _report(results: dict[str, Any]) -> None:
    for name in ("free", "paid"):
        if (r := results.get(name)) is None:
            continue
        ratio = r["rate"] / r["cap"]
        ok = ratio >= TARGET_RATIO and r["above"] == 0
        print(f"{name:>4}: {r['n']} sent at {r['rate']:.1f}/s = {ratio:.3f}×"
              f" the {r['cap']:.0f}/s cap"
              f" (target ≥ {TARGET_RATIO}); busiest second {r['busiest']}, windows above the cap"
              f" {r['above']} (target 0) — {'ok' if ok else 'MISSED'}")  # fmt: skip
    m = results["memory"]
    ok = m["growth"] < TARGET_MB
    print(f"memory: {m['n']} sent in {m['seconds']:.1f} s; resident {m['before']:.0f} MB before,"
          f" peak growth {m['growth']:.1f} MB = {m['growth'] / TARGET_MB:.2f}× the"
          f" {TARGET_MB:.0f} MB budget — {'ok' if ok else 'MISSED'}")  # fmt: skip


_arrivals: list[float] = []
_sent = {"n": 0}


async def fake_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """getMe / setWebhook / sendMessage in the Bot API's shape; arrival times kept."""
    if scope["type"] != "http":
        return
    arrived = time.time()
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    method = scope["path"].rsplit("/", 1)[-1].lower()
    answer = json.dumps(_answer(method, body, scope, arrived)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(answer)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _answer(method: str, body: bytes, scope: dict[str, Any], arrived: float) -> dict[str, Any]:
    if method == "_reset":
        _arrivals.clear()
        return {"ok": True}
    if method == "_arrivals":
        return {"arrivals": _arrivals, "count": len(_arrivals)}
    if method == "getme":
        return {"ok": True, "result": _ME}
    if method == "sendmessage":
        form = _form(scope, body)
        _arrivals.append(arrived)
        _sent["n"] += 1
        chat = {"id": int(form.get("chat_id", 0)), "type": "private", "first_name": "U"}
        result = {"message_id": _sent["n"], "date": 1_700_000_000, "chat": chat,
                  "text": form.get("text", ""), "from": _ME}  # fmt: skip
        return {"ok": True, "result": result}
    return {"ok": True, "result": True}


def _serve(argv: list[str]) -> None:
    """`python -m bench.broadcasts serve --host H --port P`."""
    import uvicorn

    host, port = argv[argv.index("--host") + 1], int(argv[argv.index("--port") + 1])
    uvicorn.run("bench.broadcasts:fake_app", host=host, port=port, log_config=None)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2:])
