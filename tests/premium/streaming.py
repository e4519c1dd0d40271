"""An httpx ASGI transport that streams: the response arrives when the app starts it, its
body chunk by chunk, and closing it tells the app the client went away (http.disconnect).

httpx's own ASGITransport waits for the whole body, which a server-sent event stream never
finishes; this one lets a test read one event and hang up, as a browser tab does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

DONE = b""


class _Body(httpx.AsyncByteStream):
    def __init__(self, chunks: asyncio.Queue[bytes | None], hang_up: asyncio.Event,
                 app: asyncio.Task[None]) -> None:  # fmt: skip
        self.chunks, self.hang_up, self.app = chunks, hang_up, app

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while (chunk := await self.chunks.get()) is not None:
            yield chunk

    async def aclose(self) -> None:
        """The client goes away: the app hears http.disconnect and must stop by itself."""
        self.hang_up.set()
        await asyncio.wait_for(asyncio.shield(self.app), timeout=10)


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: Any, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self.app, self.client = app, client
        self.tasks: list[asyncio.Task[None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        started: asyncio.Future[tuple[int, list[Any]]] = asyncio.get_running_loop().create_future()
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        hang_up, sent = asyncio.Event(), False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await hang_up.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.set_result((message["status"], message.get("headers", [])))
            elif message["type"] == "http.response.body":
                await chunks.put(message.get("body", DONE))
                if not message.get("more_body", False):
                    await chunks.put(None)

        async def run() -> None:
            try:
                await self.app(_scope(request, self.client), receive, send)
            finally:
                await chunks.put(None)

        app = asyncio.create_task(run())
        self.tasks.append(app)
        done, _ = await asyncio.wait({app, started}, return_when=asyncio.FIRST_COMPLETED)
        if started not in done:
            app.result()  # the app failed before answering: raise its error
        status, headers = started.result()
        return httpx.Response(status, headers=headers, stream=_Body(chunks, hang_up, app))


def _scope(request: httpx.Request, client: tuple[str, int]) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": request.method, "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "scheme": request.url.scheme, "path": request.url.path,
        "raw_path": request.url.raw_path.split(b"?")[0], "query_string": request.url.query,
        "server": (request.url.host, request.url.port), "client": client, "root_path": "",
    }  # fmt: skip


class Events:
    """Server-sent events read off a streaming response, one at a time."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()

    async def next(self) -> dict[str, str]:
        """Read lines until one event is complete; its fields (event, data, id)."""
        fields: dict[str, str] = {}
        async for line in self.lines:
            if not line:
                if "data" in fields:
                    return fields
                fields = {}  # a retry line or a comment ends without data
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        raise AssertionError(f"the stream ended before an event: {fields}")
