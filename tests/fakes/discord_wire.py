"""Discord's wire details for the fake: error answers and signed interaction deliveries."""

from __future__ import annotations

import json
import time
from typing import Any

from nacl.signing import SigningKey
from starlette.responses import JSONResponse

from tests.fakes.discord_guild import Application, Guild, User, snowflake


class ApiError(Exception):
    """An answer Discord gives instead of a result."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        retry_after: float | None = None,
        is_global: bool = False,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after, self.is_global = retry_after, is_global

    def response(self) -> JSONResponse:
        if self.status != 429:
            return JSONResponse({"code": self.code, "message": self.message}, self.status)
        body = {"message": self.message, "retry_after": self.retry_after, "global": self.is_global}
        headers = {
            "Retry-After": str(max(1, round(self.retry_after or 0))),
            "X-RateLimit-Scope": "global" if self.is_global else "user",
        }
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        return JSONResponse(body, 429, headers=headers)


def api_error(status: int, code: int, message: str) -> ApiError:
    return ApiError(status, code, message)


def sign(key: SigningKey, timestamp: str, body: bytes) -> str:
    return key.sign(timestamp.encode() + body).signature.hex()


def signed_interaction(
    app: Application, payload: dict[str, Any], *, timestamp: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Discord POSTs to an interactions endpoint."""
    body = json.dumps(payload).encode()
    stamp = timestamp or str(int(time.time()))
    headers = {
        "X-Signature-Ed25519": sign(app.signing_key, stamp, body),
        "X-Signature-Timestamp": stamp,
        "Content-Type": "application/json",
        "User-Agent": "Discord-Interactions/1.0 (+https://discord.com)",
    }
    return body, headers


def ping(app: Application) -> dict[str, Any]:
    return {
        "id": snowflake(),
        "application_id": app.id,
        "type": 1,
        "token": "ping-token",
        "version": 1,
    }


def command(
    app: Application, guild: Guild, user: User, name: str, sub: str, *, locale: str | None = None
) -> dict[str, Any]:
    """A slash command `/name sub` used by `user` in `guild`."""
    member = guild.members.get(user.id)
    return {
        "id": snowflake(),
        "application_id": app.id,
        "type": 2,
        "token": snowflake(),
        "version": 1,
        "guild_id": guild.id,
        "channel_id": snowflake(),
        "locale": locale or user.locale,
        "guild_locale": "en-US",
        "member": {
            **(member.wire() if member else {"user": user.wire(), "roles": []}),
            "permissions": "0",
        },
        "data": {
            "id": snowflake(),
            "name": name,
            "type": 1,
            "options": [{"name": sub, "type": 1, "options": []}],
        },
        "app_permissions": "0",
        "entitlements": [],
        "authorizing_integration_owners": {},
        "context": 0,
    }
