"""Discord's wire details for the fake: error answers, rate-limit headers, the call log and
signed interaction deliveries."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from nacl.signing import SigningKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

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


@dataclass
class Call:
    method: str
    path: str
    route: str
    body: Any
    auth: str
    status: int = 200
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Bucket:
    limit: int
    window: float
    used: int = 0
    reset_at: float = 0.0


def with_limits(response: Response, bucket_id: str, bucket: Bucket) -> Response:
    now = time.monotonic()
    reset_after = max(0.0, bucket.reset_at - now)
    response.headers.update(
        {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(0, bucket.limit - bucket.used)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_id,
        }
    )
    return response


async def read_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    try:
        return json.loads(raw)
    except ValueError:
        raise api_error(400, 50109, "The request body contains invalid JSON.") from None
