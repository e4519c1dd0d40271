"""THE DEMO DELIVERY CALENDAR — a stand-in for the external Calendar API, for demos only.

Mounted by `create_app` only when `SHOPKEEPER_DEMO` is on (never in a normal run), at
`/demo/delivery-calendar`; `make demo` points `SHOPKEEPER_DELIVERY_CALENDAR_URL` at it, so
dated couriers offer days on a machine with no outside service. It answers the wire format
of `calendar_client.py` (`GET /days?method=&country=&postal_code=&from=&to=`) for any method
and postal code, from the dates alone: the first day asked (today) is never offered
(orders ship the next day at the earliest), nor fixed Polish public holidays; Monday to
Friday have a morning and an evening slot, Saturday and Sunday a morning one. A bad query
gets a 4xx (the client then offers no dates). It keeps no state and touches no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

PREFIX = "/demo/delivery-calendar"
MAX_RANGE_DAYS = 92
# (month, day) of the Polish public holidays that fall on a fixed date.
HOLIDAYS = frozenset(
    {(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)}
)

router = APIRouter(prefix=PREFIX, tags=["demo"], include_in_schema=False)


def demo_day(day: date, *, first: date) -> dict[str, Any]:
    """One day of the demo calendar in the wire format."""
    available = day != first and (day.month, day.day) not in HOLIDAYS
    slots = ["morning", "evening"] if day.weekday() < 5 else ["morning"]
    return {"date": day.isoformat(), "available": available, "slots": slots}


@router.get("/days")
async def days(
    method: Annotated[str, Query(min_length=1, max_length=64)],
    country: Annotated[str, Query(min_length=2, max_length=2)],
    postal_code: Annotated[str, Query(min_length=1, max_length=20)],
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> JSONResponse:
    """The demo calendar's days from `from` to `to` (both included)."""
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        return JSONResponse(
            {"error": f"from..to must be a range of 1 to {MAX_RANGE_DAYS} days"}, status_code=400
        )
    count = (end - start).days + 1
    found = [demo_day(start + timedelta(days=n), first=start) for n in range(count)]
    return JSONResponse({"days": found})
