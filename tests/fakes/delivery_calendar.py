"""A fake delivery Calendar API speaking the wire format of checkout.shipping.calendar_client.

`GET /days?method=&country=&postal_code=&from=&to=` answers every day of the range:
available unless its weekday is in `closed_weekdays` (Saturdays by default), with a
"morning" slot and, on `evening_weekdays` (Monday to Friday by default), an "evening" one.
A test breaks it by setting `mode`: "fail" (503), "timeout" (holds the request until the
mode changes or `hang_seconds` pass), "garbage" (200 with a body that is not JSON),
"reject" (404, an unknown method). Every request's query is kept in `calls`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Mode = Literal["ok", "fail", "timeout", "garbage", "reject"]
REQUIRED = ("method", "country", "postal_code", "from", "to")


@dataclass
class FakeCalendar:
    mode: Mode = "ok"
    closed_weekdays: set[int] = field(default_factory=lambda: {5})
    evening_weekdays: set[int] = field(default_factory=lambda: {0, 1, 2, 3, 4})
    hang_seconds: float = 5.0
    calls: list[dict[str, str]] = field(default_factory=list)
    url: str = ""  # set by whoever serves it

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/days", self._days, methods=["GET"])])

    async def _days(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.calls.append(query)
        if missing := [name for name in REQUIRED if name not in query]:
            return JSONResponse({"error": f"missing {', '.join(missing)}"}, status_code=400)
        if self.mode == "timeout":
            waited = 0.0
            while self.mode == "timeout" and waited < self.hang_seconds:
                await asyncio.sleep(0.02)
                waited += 0.02
            return JSONResponse({"error": "gateway timeout"}, status_code=504)
        if self.mode == "fail":
            return JSONResponse({"error": "calendar down"}, status_code=503)
        if self.mode == "garbage":
            return Response("<html>maintenance</html>", media_type="text/html")
        if self.mode == "reject":
            return JSONResponse({"error": "unknown method"}, status_code=404)
        start, end = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
        days = []
        day = start
        while day <= end:
            slots = ["morning"] + (["evening"] if day.weekday() in self.evening_weekdays else [])
            available = day.weekday() not in self.closed_weekdays
            days.append({"date": day.isoformat(), "available": available, "slots": slots})
            day += timedelta(days=1)
        return JSONResponse({"days": days})


@pytest.fixture
async def fake_calendar() -> AsyncIterator[FakeCalendar]:
    """A fake Calendar API on a local port (import this fixture into a conftest or module)."""
    from tests.fakes.server import serve

    fake = FakeCalendar()
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake
        fake.mode = "ok"  # let a held request end before the server stops
