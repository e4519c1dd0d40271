"""What a process shares for Discord: one HTTP client, rate-limit state per bot token."""

from __future__ import annotations

import hashlib

import httpx

from shopkeeper.bots.discord.ratelimits import RateLimits
from shopkeeper.bots.discord.rest import DiscordRest
from shopkeeper.container import Container

EXTRA = "discord.runtime"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class DiscordRuntime:
    def __init__(self, container: Container) -> None:
        self.base_url = container.settings.discord_api_url
        self.http = httpx.AsyncClient(timeout=TIMEOUT, limits=httpx.Limits(max_connections=50))
        self._limits: dict[str, RateLimits] = {}

    def rest(self, token: str) -> DiscordRest:
        """A client for the bot; calls made with the same token share its rate limits."""
        key = hashlib.sha256(token.encode()).hexdigest()
        limits = self._limits.setdefault(key, RateLimits())
        return DiscordRest(self.http, self.base_url, token, limits)

    async def close(self) -> None:
        await self.http.aclose()


def discord_runtime(container: Container) -> DiscordRuntime:
    """The container's runtime, built on first use and closed with the container."""
    runtime = container.extras.get(EXTRA)
    if runtime is None:
        runtime = container.extras[EXTRA] = DiscordRuntime(container)
        container.closers.append(runtime.close)
    assert isinstance(runtime, DiscordRuntime)
    return runtime
