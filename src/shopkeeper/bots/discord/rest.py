"""A small Discord REST client (API v10 over httpx) that keeps Discord's rate limits.

`DiscordRest(http, base_url, token, limits)` sends `Authorization: Bot <token>`, waits its
turn (`RateLimits`), retries a 429 after its `retry_after` (JSON body, else `Retry-After`) at
most `max_retries` times and a 502/503/504 twice, and turns every other refusal into the
typed `DiscordApiError` of Discord's JSON error code. Nothing here touches the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import structlog

from shopkeeper.bots.discord.errors import (
    DiscordUnavailable,
    RateLimited,
    UnknownMember,
    api_error,
)
from shopkeeper.bots.discord.ratelimits import RateLimits, route_key

log = structlog.get_logger(__name__)
RETRY_STATUSES = {502, 503, 504}
USER_AGENT = "DiscordBot (https://github.com/shopkeeper, 1.0) Shopkeeper"


class DiscordRest:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        token: str,
        limits: RateLimits,
        *,
        max_retries: int = 3,
        max_wait: float = 10.0,
    ) -> None:
        self.http, self.base_url, self.limits = http, base_url.rstrip("/"), limits
        self.max_retries, self.max_wait = max_retries, max_wait
        self.headers = {"Authorization": f"Bot {token}", "User-Agent": USER_AGENT}

    async def request(
        self, method: str, path: str, *, json: Any = None, reason: str | None = None
    ) -> Any:
        """The decoded answer (None for 204); typed errors for refusals."""
        route, major = route_key(method, path)
        headers = dict(self.headers)
        if reason:
            headers["X-Audit-Log-Reason"] = reason[:512]
        throttled = failed = 0
        while True:
            await self.limits.wait_turn(route, major)
            response = await self._send(method, path, json, headers)
            self.limits.learn(route, major, response.headers)
            if response.status_code == 429:
                throttled += 1
                await self._throttled(response, route, major, attempt=throttled)
                continue
            if response.status_code in RETRY_STATUSES and failed < 2:
                failed += 1
                await asyncio.sleep(0.2 * 2**failed)
                continue
            return _result(response, method, path)

    async def _send(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> httpx.Response:
        try:
            return await self.http.request(
                method, f"{self.base_url}{path}", json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise DiscordUnavailable(f"{method} {path}: {type(exc).__name__} {exc}") from exc

    async def _throttled(
        self, response: httpx.Response, route: str, major: str, *, attempt: int
    ) -> None:
        body = _json(response)
        retry_after = _retry_after(response, body)
        is_global = bool(body.get("global")) or response.headers.get("x-ratelimit-global") == "true"
        self.limits.stop(route, major, retry_after, is_global=is_global)
        scope = "global" if is_global else route
        log.warning("discord.rate_limited", route=route, retry_after=retry_after, scope=scope)
        if attempt > self.max_retries or retry_after > self.max_wait:
            raise RateLimited(retry_after, scope)

    # -- the calls Shopkeeper makes -------------------------------------------------------
    async def me(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("GET", "/users/@me")
        return result

    async def application(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("GET", "/applications/@me")
        return result

    async def guild(self, guild_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("GET", f"/guilds/{guild_id}")
        return result

    async def guild_roles(self, guild_id: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("GET", f"/guilds/{guild_id}/roles")
        return result

    async def member(self, guild_id: str, user_id: str) -> dict[str, Any] | None:
        """The guild member, or None when the user is not in the guild (10007)."""
        try:
            result: dict[str, Any] = await self.request(
                "GET", f"/guilds/{guild_id}/members/{user_id}"
            )
        except UnknownMember:
            return None
        return result

    async def add_role(self, guild_id: str, user_id: str, role_id: str, reason: str) -> None:
        await self.request(
            "PUT", f"/guilds/{guild_id}/members/{user_id}/roles/{role_id}", reason=reason
        )

    async def remove_role(self, guild_id: str, user_id: str, role_id: str, reason: str) -> None:
        await self.request(
            "DELETE", f"/guilds/{guild_id}/members/{user_id}/roles/{role_id}", reason=reason
        )

    async def add_member(
        self, guild_id: str, user_id: str, access_token: str, roles: list[str]
    ) -> bool:
        """Join the user with their `guilds.join` token; False when they were a member."""
        result = await self.request(
            "PUT",
            f"/guilds/{guild_id}/members/{user_id}",
            json={"access_token": access_token, "roles": roles},
        )
        return result is not None

    async def kick(self, guild_id: str, user_id: str, reason: str) -> None:
        await self.request("DELETE", f"/guilds/{guild_id}/members/{user_id}", reason=reason)

    async def put_guild_commands(
        self, application_id: str, guild_id: str, commands: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request(
            "PUT", f"/applications/{application_id}/guilds/{guild_id}/commands", json=commands
        )
        return result

    async def send_dm(
        self, user_id: str, content: str, links: Sequence[tuple[str, str]] = ()
    ) -> dict[str, Any]:
        """Open (or reuse) the DM channel, then post the message (link buttons below it)."""
        channel = await self.request("POST", "/users/@me/channels", json={"recipient_id": user_id})
        body: dict[str, Any] = {"content": content[:2000], "allowed_mentions": {"parse": []}}
        if links:
            buttons = [
                {"type": 2, "style": 5, "label": label[:80], "url": url} for label, url in links[:5]
            ]
            body["components"] = [{"type": 1, "components": buttons}]
        result: dict[str, Any] = await self.request(
            "POST", f"/channels/{channel['id']}/messages", json=body
        )
        return result


def _result(response: httpx.Response, method: str, path: str) -> Any:
    if response.status_code == 204:
        return None
    body = _json(response)
    if response.status_code < 400:
        return body if response.content else None
    if response.status_code >= 500:
        raise DiscordUnavailable(f"{method} {path} answered {response.status_code}")
    code = body.get("code", 0) if isinstance(body, dict) else 0
    message = body.get("message", response.reason_phrase) if isinstance(body, dict) else ""
    raise api_error(response.status_code, int(code or 0), str(message))


def _retry_after(response: httpx.Response, body: Any) -> float:
    if isinstance(body, dict) and isinstance(body.get("retry_after"), (int, float)):
        return float(body["retry_after"])
    try:
        return float(response.headers.get("retry-after", "1"))
    except ValueError:
        return 1.0


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
