"""A connection that breaks before the Calendar API answers (a server closing an idle
kept-alive connection as the request goes out) is asked again once, over HTTP/1.1 on a real
socket; a calendar that keeps breaking them is a failure that counts toward the breaker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest

from shopkeeper.cache import MemoryStore
from shopkeeper.checkout.shipping import CalendarAnswer, CalendarClient, CalendarOutage

TODAY, NOW = date(2026, 1, 1), datetime(2026, 1, 1, 12)


class BreakingCalendar:
    """Reads each request; drops the first `drops` connections without a word, then answers
    like the Calendar API (every day after `from` offered)."""

    def __init__(self, drops: int) -> None:
        self.drops, self.requests = drops, 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.readuntil(b"\r\n\r\n"):  # a GET: no body
            self.requests += 1
            if self.drops > 0:
                self.drops -= 1
                writer.close()
                return
            days = [
                {"date": f"2026-01-{n:02d}", "available": n > 1, "slots": []} for n in range(1, 15)
            ]
            body = json.dumps({"days": days}).encode()
            head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            head += f"content-length: {len(body)}\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()


@pytest.fixture
async def calendar_url() -> AsyncIterator[tuple[str, BreakingCalendar]]:
    fake = BreakingCalendar(drops=0)
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", fake


async def _ask(client: CalendarClient) -> CalendarAnswer | CalendarOutage:
    return await client.calendar(calendar_code="courier-pl", country="PL", postal_code="00-950",
                                 today=TODAY, now=NOW)  # fmt: skip


async def test_a_connection_broken_before_the_answer_is_asked_again_once(
    calendar_url: tuple[str, BreakingCalendar],
) -> None:
    url, fake = calendar_url
    fake.drops = 1
    client = CalendarClient(url, MemoryStore())

    answer = await _ask(client)

    assert isinstance(answer, CalendarAnswer) and len(answer.days) == 13  # the 2nd to the 14th
    assert fake.requests == 2
    await client.close()


async def test_a_calendar_that_keeps_breaking_connections_is_a_failure(
    calendar_url: tuple[str, BreakingCalendar],
) -> None:
    url, fake = calendar_url
    fake.drops = 10
    client = CalendarClient(url, MemoryStore(), failure_threshold=1)

    answer = await _ask(client)

    assert isinstance(answer, CalendarOutage) and answer.status == "unavailable"
    assert fake.requests == 2  # asked again once, not more
    assert await client.state(NOW) == "open"
    await client.close()
