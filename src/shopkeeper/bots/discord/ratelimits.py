"""Discord's rate limits as the client sees them: buckets learnt from headers, a global stop.

Discord names a route's bucket in `X-RateLimit-Bucket`; a bucket is shared per major
parameter (guild or channel). After an answer with `X-RateLimit-Remaining: 0` the next call to
that bucket waits `X-RateLimit-Reset-After`; a 429 stops the bucket (or, when global, every
route of the bot) for its `retry_after`. The state lives in the process, per bot token, as
every Discord library keeps it: the limits are Discord's, measured on its side.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

_MAJOR = re.compile(r"^/(guilds|channels|webhooks)/(\d+)")
_SNOWFLAKE = re.compile(r"/\d{15,21}")


def route_key(method: str, path: str) -> tuple[str, str]:
    """("PUT /guilds/:major/members/:id/roles/:id", "<guild id>") for a request path."""
    match = _MAJOR.match(path)
    major = match.group(2) if match else ""
    shape = _SNOWFLAKE.sub("/:id", path)
    return f"{method} {shape}", major


@dataclass
class BucketState:
    remaining: int = 1
    reset_at: float = 0.0


class RateLimits:
    """One bot's buckets; `wait_turn` before a call, `learn` from each answer."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock, self.sleep = clock, sleep
        self.bucket_of: dict[str, str] = {}
        self.buckets: dict[tuple[str, str], BucketState] = {}
        self.global_until = 0.0
        self.waited = 0.0  # seconds spent waiting, for logs and tests

    def _state(self, route: str, major: str) -> BucketState | None:
        bucket = self.bucket_of.get(route)
        return None if bucket is None else self.buckets.get((bucket, major))

    async def wait_turn(self, route: str, major: str) -> None:
        """Sleep until the global stop and the route's bucket allow one more call; take it."""
        while True:
            now = self.clock()
            state = self._state(route, major)
            delay = max(0.0, self.global_until - now)
            if state is not None and state.remaining <= 0 and state.reset_at > now:
                delay = max(delay, state.reset_at - now)
            if delay <= 0:
                break
            self.waited += delay
            await self.sleep(delay)
        if state is not None:
            if state.reset_at <= self.clock() and state.remaining <= 0:
                state.remaining = 1  # the window passed: Discord refilled it
            state.remaining -= 1

    def learn(self, route: str, major: str, headers: Mapping[str, str]) -> None:
        """Remember what Discord said of the bucket in an answer's headers."""
        bucket = headers.get("x-ratelimit-bucket")
        if not bucket:
            return
        self.bucket_of[route] = bucket
        state = self.buckets.setdefault((bucket, major), BucketState())
        remaining = _number(headers.get("x-ratelimit-remaining"))
        reset_after = _number(headers.get("x-ratelimit-reset-after"))
        if remaining is not None:
            state.remaining = int(remaining)
        if reset_after is not None:
            state.reset_at = self.clock() + reset_after

    def stop(self, route: str, major: str, retry_after: float, *, is_global: bool) -> None:
        """A 429: nothing more to the bucket (or to anything, when global) for a while."""
        until = self.clock() + retry_after
        if is_global:
            self.global_until = max(self.global_until, until)
            return
        bucket = self.bucket_of.get(route) or f"route:{route}"
        self.bucket_of.setdefault(route, bucket)
        state = self.buckets.setdefault((bucket, major), BucketState())
        state.remaining, state.reset_at = 0, max(state.reset_at, until)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
