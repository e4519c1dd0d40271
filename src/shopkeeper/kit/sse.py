"""Server-sent events (`text/event-stream`) for live figures, polled from the database.

`poll_events` sends one event at once, then one whenever a cheap version read says the data
moved, and at least every `every` seconds; each poll opens its own short session, so a stream
holds no transaction, and processes share nothing (any replica can serve a stream). The
generator ends when the client goes away (the server cancels it, or `disconnected()` says so).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
RETRY_MS = 5000
S = TypeVar("S")


def sse(event: str, data: str, event_id: int) -> str:
    """One event in the wire format (data is one JSON line)."""
    return f"id: {event_id}\nevent: {event}\ndata: {data}\n\n"


async def poll_events(
    sessions: Callable[[], AbstractAsyncContextManager[S]],
    *,
    event: str,
    version: Callable[[S], Awaitable[str]],
    body: Callable[[S], Awaitable[str]],
    every: float,
    poll: float,
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """The stream's text chunks: `event` events carrying `body`, re-read when `version`
    changes or `every` seconds have passed, and sent when the body is new (or due)."""
    loop = asyncio.get_running_loop()
    yield f"retry: {RETRY_MS}\n\n"
    seen, last, sent_at, count = "", "", float("-inf"), 0
    while True:
        text = last
        async with sessions() as session:
            moved = (current := await version(session)) != seen
            due = loop.time() - sent_at >= every
            if moved or due:
                text = await body(session)
        seen = current
        if (moved or due) and (text != last or due):
            count, last, sent_at = count + 1, text, loop.time()
            yield sse(event, text, count)
        if disconnected is not None and await disconnected():
            return
        await asyncio.sleep(poll)
