"""Client of the external delivery Calendar API, behind a circuit breaker and a cache.

Wire format (base URL: `SHOPKEEPER_DELIVERY_CALENDAR_URL`): `GET {url}/days` with the query
`method=<calendar_code>&country=PL&postal_code=00-950&from=YYYY-MM-DD&to=YYYY-MM-DD`
→ 200 `{"days": [{"date": "YYYY-MM-DD", "available": true, "slots": ["morning", "evening"]}]}`.
Days outside the range and days with `available: false` are dropped; Sundays are told by
the date itself. A 4xx other than 429 means the API refuses the question (an unknown method
or postal code): no dates, and no harm to the breaker. A timeout (`timeout` seconds for the
whole exchange), a transport error, a 5xx or 429, or a body not of this shape is a failure.

Breaker: closed → open after `failure_threshold` consecutive failures; open for
`cooldown_seconds`, during which nobody asks; then half-open: one probe per lease window
(the store's INCR picks it, across processes), whose success closes the breaker and whose
failure opens it for another cool-down. Cache: the answer for today + `horizon_days` under
`calendar:{calendar_code}:{country}-{postal_code}` for `cache_ttl` seconds (postal codes
repeat across countries, hence the country in the key's postal part). Both live in the
process's cache store (`shopkeeper.cache`): Redis, else memory on SQLite, else the database.
Failures are never cached. Time is the caller's `now`, so tests can move it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shopkeeper.cache import KeyValueStore

log = structlog.get_logger(__name__)

FAILURES_KEY = "calendar-breaker:failures"
OPEN_UNTIL_KEY = "calendar-breaker:open-until"
PROBE_KEY = "calendar-breaker:probe"
STATE_TTL = 86_400  # breaker keys outlive any cool-down; a success deletes them

OutageReason = Literal["not_configured", "circuit_open", "timeout", "error", "rejected"]
BreakerState = Literal["not_configured", "closed", "open", "half_open"]

_DETAILS: dict[str, str] = {
    "not_configured": "no delivery calendar is configured for this shop's server",
    "circuit_open": "the delivery calendar has not been answering, so we paused asking it",
    "timeout": "the delivery calendar did not answer in time",
    "error": "the delivery calendar answered with an error",
    "rejected": "the delivery calendar has no dates for this method and postal code",
}


class DeliveryDay(BaseModel):
    model_config = ConfigDict(frozen=True)

    date: date
    sunday: bool
    slots: list[str]


class CalendarAnswer(BaseModel):
    """The days the calendar offers from `start` on (cached or fresh)."""

    status: Literal["ok"] = "ok"
    start: date
    days: list[DeliveryDay]


class CalendarOutage(BaseModel):
    """The calendar could not be asked or did not answer; `detail` says why, for people."""

    status: Literal["unavailable"] = "unavailable"
    reason: OutageReason
    detail: str
    retry_after: int | None = None


class _WireDay(BaseModel):
    date: date
    available: bool
    slots: list[str] = Field(default_factory=list, max_length=20)


class _WireAnswer(BaseModel):
    days: list[_WireDay] = Field(max_length=400)


_CACHED = TypeAdapter(dict[str, object])


@dataclass(frozen=True)
class _Admission:
    state: BreakerState
    failures: int = 0
    retry_after: int | None = None


class CalendarClient:
    """Ask the Calendar API for delivery days; one per process (see `deps.calendar_client`)."""

    def __init__(
        self,
        base_url: str | None,
        store: KeyValueStore,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = 3.0,
        cache_ttl: int = 600,
        failure_threshold: int = 5,
        cooldown_seconds: int = 30,
        horizon_days: int = 14,
    ) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.store = store
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self.horizon_days = horizon_days
        self.probe_lease = max(5, int(timeout * 2) + 1)
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    async def close(self) -> None:
        """Its HTTP client; the store is the process's (closed with the container)."""
        await self._http.aclose()

    async def calendar(
        self, *, calendar_code: str, country: str, postal_code: str, today: date, now: datetime
    ) -> CalendarAnswer | CalendarOutage:
        """Days from `today` to `today + horizon_days - 1`; from the cache when fresh."""
        key = f"calendar:{calendar_code}:{country}-{postal_code}"
        if (cached := await self._cached(key, today=today, now=now)) is not None:
            return cached
        if self.base_url is None:
            return _outage("not_configured")
        admission = await self._admit(now)
        if admission.state == "open":
            return _outage("circuit_open", retry_after=admission.retry_after)
        end = today + timedelta(days=self.horizon_days - 1)
        result = await self._ask(calendar_code, country, postal_code, today, end)
        if isinstance(result, CalendarOutage) and result.reason != "rejected":
            await self._failed(now, result.reason)
            return result
        if admission.failures:
            await self.store.delete(FAILURES_KEY, OPEN_UNTIL_KEY)
            log.info("shipping.calendar_breaker_closed", after_failures=admission.failures)
        if isinstance(result, CalendarAnswer):
            value = {"fetched_at": now.isoformat(), **result.model_dump(mode="json")}
            await self.store.put(key, json.dumps(value), self.cache_ttl)
        return result

    async def state(self, now: datetime) -> BreakerState:
        """The breaker as a caller would find it now (no probe is claimed)."""
        if self.base_url is None:
            return "not_configured"
        open_until = await self._open_until()
        if open_until is not None and now < open_until:
            return "open"
        failures = int(await self.store.get(FAILURES_KEY) or 0)
        return "half_open" if failures >= self.failure_threshold else "closed"

    async def _cached(self, key: str, *, today: date, now: datetime) -> CalendarAnswer | None:
        raw = await self.store.get(key)
        if raw is None:
            return None
        try:
            value = _CACHED.validate_json(raw)
            fetched_at = datetime.fromisoformat(str(value.pop("fetched_at")))
            answer = CalendarAnswer.model_validate(value)
        except (ValueError, KeyError, ValidationError):
            return None
        fresh = timedelta(0) <= now - fetched_at < timedelta(seconds=self.cache_ttl)
        return answer if fresh and answer.start == today else None

    async def _open_until(self) -> datetime | None:
        raw = await self.store.get(OPEN_UNTIL_KEY)
        return None if raw is None else datetime.fromisoformat(raw)

    async def _admit(self, now: datetime) -> _Admission:
        open_until = await self._open_until()
        if open_until is not None and now < open_until:
            return _Admission("open", retry_after=_seconds(open_until - now))
        failures = int(await self.store.get(FAILURES_KEY) or 0)
        if failures < self.failure_threshold:
            return _Admission("closed", failures=failures)
        since = open_until or now
        window = int((now - since).total_seconds() // self.probe_lease)
        probe = f"{PROBE_KEY}:{int(since.timestamp())}:{window}"
        if await self.store.incr(probe, self.probe_lease * 2) == 1:
            log.info("shipping.calendar_probe", failures=failures)
            return _Admission("half_open", failures=failures)
        return _Admission("open", retry_after=self.probe_lease)

    async def _failed(self, now: datetime, reason: str) -> None:
        failures = await self.store.incr(FAILURES_KEY, STATE_TTL)
        log.warning("shipping.calendar_failed", reason=reason, failures=failures)
        if failures >= self.failure_threshold:
            until = now + timedelta(seconds=self.cooldown_seconds)
            await self.store.put(OPEN_UNTIL_KEY, until.isoformat(), STATE_TTL)
            log.warning("shipping.calendar_breaker_open", until=until.isoformat())

    async def _get(self, params: dict[str, str]) -> httpx.Response:
        """GET /days; asked once more when the connection broke before an answer (a server
        closing an idle kept-alive connection as the request goes out): the GET is safe to
        repeat, and that failure says nothing about the calendar's health."""
        url = f"{self.base_url}/days"
        try:
            return await self._http.get(url, params=params)
        except (httpx.NetworkError, httpx.RemoteProtocolError):
            return await self._http.get(url, params=params)

    async def _ask(
        self, calendar_code: str, country: str, postal_code: str, start: date, end: date
    ) -> CalendarAnswer | CalendarOutage:
        params = {
            "method": calendar_code,
            "country": country,
            "postal_code": postal_code,
            "from": start.isoformat(),
            "to": end.isoformat(),
        }
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._get(params)
        except (TimeoutError, httpx.TimeoutException):
            return _outage("timeout")
        except httpx.HTTPError:
            return _outage("error")
        if response.status_code >= 500 or response.status_code == 429:
            return _outage("error")
        if response.status_code >= 400:
            log.warning("shipping.calendar_rejected", status=response.status_code, **params)
            return _outage("rejected")
        try:
            wire = _WireAnswer.model_validate_json(response.content)
        except ValidationError:
            return _outage("error")
        offered = {d.date: d for d in wire.days if d.available and start <= d.date <= end}
        days = [
            DeliveryDay(date=day, sunday=day.weekday() == 6, slots=offered[day].slots)
            for day in sorted(offered)
        ]
        return CalendarAnswer(start=start, days=days)


def _outage(reason: OutageReason, *, retry_after: int | None = None) -> CalendarOutage:
    return CalendarOutage(reason=reason, detail=_DETAILS[reason], retry_after=retry_after)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))
