"""Live premium figures as server-sent events (`text/event-stream`).

One `figures` event at once, then one whenever the figures change (the shop's subscriptions
are polled cheaply every `poll` seconds, the figures recomputed when they moved) and at
least every `every` seconds. Each poll uses its own short read-only session, so a stream
holds no transaction; the generator ends when the client goes away (the server cancels it,
or `disconnected()` says so). Processes share nothing: any replica can serve a stream.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from shopkeeper import subscriptions
from shopkeeper.container import Container
from shopkeeper.premium.service.statistics import premium_statistics

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
RETRY_MS = 5000


def sse(event: str, data: str, event_id: int) -> str:
    """One event in the wire format (data is one JSON line)."""
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n"


async def figure_events(
    container: Container,
    *,
    shop_id: uuid.UUID,
    days: int,
    every: float = 15.0,
    poll: float = 1.0,
    locale: str = "en",
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """The stream's text chunks (see the module docstring)."""
    loop = asyncio.get_running_loop()
    yield f"retry: {RETRY_MS}\n\n"
    version, last, sent_at, count = "", "", float("-inf"), 0
    while True:
        body = last
        async with container.readers() as session:
            moved = (now_version := await subscriptions.figures_version(
                session, shop_id=shop_id)) != version  # fmt: skip
            due = loop.time() - sent_at >= every
            if moved or due:
                figures = await premium_statistics(
                    session, shop_id=shop_id, days=days, now=container.clock.now(),
                    locale=locale,
                )  # fmt: skip
                body = figures.model_dump_json()
        version = now_version
        if (moved or due) and (body != last or due):
            count, last, sent_at = count + 1, body, loop.time()
            yield sse("figures", body, count)
        if disconnected is not None and await disconnected():
            return
        await asyncio.sleep(poll)
