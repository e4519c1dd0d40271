"""A fake Discord HTTP API (v10) with an in-memory guild, OAuth2 and signed interactions.

Wire format as Discord's: JSON bodies; errors `{"code", "message"}` with the HTTP status
Discord uses (50013 Missing Permissions 403, 10007 Unknown Member 404, 50007 Cannot send
messages to this user 403, 0 401: Unauthorized); rate limits with `X-RateLimit-Limit/
Remaining/Reset/Reset-After/Bucket` on every answer and 429 `{"message", "retry_after",
"global"}` + `Retry-After` (+ `X-RateLimit-Global`). Buckets are per route and major
parameter; `set_limit` makes one small, and a request over it is a 429 counted in
`violations`. `throttle` injects 429s. Bots authenticate with `Bot <token>`, OAuth2 users with
`Bearer <token>`. Every call is logged in `calls` (with its arrival time).
OAuth2: `/oauth2/authorize` approves as `consenting_user` and redirects back with a code
(or `approve(url, user)` returns the code); `/oauth2/token` checks the PKCE verifier.
Interactions: `interaction_headers(app, body)` signs like Discord (Ed25519 over ts+body).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes.discord_guild import (
    CREATE_INSTANT_INVITE,
    Application,
    Guild,
    Member,
    User,
    snowflake,
)
from tests.fakes.discord_oauth import OAuthMixin
from tests.fakes.discord_wire import (
    ApiError,
    Bucket,
    Call,
    read_body,
    signed_interaction,
    with_limits,
)

__all__ = [
    "ApiError",
    "Application",
    "Call",
    "FakeDiscord",
    "Guild",
    "Member",
    "User",
    "signed_interaction",
]
Handler = Callable[[Request, dict[str, Any]], Awaitable[Any]]


class FakeDiscord(OAuthMixin):
    def __init__(self) -> None:
        super().__init__()
        self.url = ""
        self.users: dict[str, User] = {}
        self.apps: dict[str, Application] = {}
        self.guilds: dict[str, Guild] = {}
        self.dm_channels: dict[str, str] = {}  # channel id → recipient id
        self.messages: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.violations: list[Call] = []
        self.limits: dict[str, tuple[int, float]] = {}
        self.buckets: dict[str, Bucket] = {}
        self.throttles: list[tuple[str, int, float, bool]] = []  # route, times, retry, global
        self.fail_times: dict[str, tuple[int, int]] = {}
        self.arrived = asyncio.Event()

    # -- world building --------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        *,
        locale: str = "en-US",
        email: str | None = None,
        global_name: str | None = None,
    ) -> User:
        user = User(
            snowflake(), username, global_name, email or f"{username}@example.com", locale=locale
        )
        self.users[user.id] = user
        return user

    def add_app(self, name: str = "Shopkeeper") -> Application:
        bot = User(snowflake(), name, bot=True)
        self.users[bot.id] = bot
        app_id = snowflake()
        token = f"{base64.b64encode(bot.id.encode()).decode()}.{secrets.token_urlsafe(20)}"
        app = Application(app_id, name, bot, token, secrets.token_urlsafe(24))
        self.apps[app_id] = app
        return app

    def add_guild(
        self,
        name: str,
        owner: User,
        *,
        bot_of: Application | None = None,
        bot_role_position: int = 5,
        bot_permissions: int = 1 << 28,
    ) -> Guild:
        """A guild with its owner and (optionally) the app's bot holding a role "<app name>"."""
        guild = Guild(snowflake(), name, owner.id)
        guild.members[owner.id] = Member(owner)
        self.guilds[guild.id] = guild
        if bot_of is not None:
            role = guild.add_role(
                bot_of.name,
                position=bot_role_position,
                permissions=bot_permissions | CREATE_INSTANT_INVITE,
            )
            role.managed = True
            guild.members[bot_of.bot.id] = Member(bot_of.bot, [role.id])
        return guild

    def join(self, guild: Guild, user: User, *roles: str) -> Member:
        member = Member(user, list(roles))
        guild.members[user.id] = member
        return member

    # -- faults ----------------------------------------------------------------------------
    def throttle(
        self, route: str, *, times: int = 1, retry_after: float = 0.05, is_global: bool = False
    ) -> None:
        """The next `times` calls to `route` ("PUT /guilds/{guild_id}/...") answer 429."""
        self.throttles.append((route, times, retry_after, is_global))

    def set_limit(self, route: str, *, limit: int, window: float) -> None:
        self.limits[route] = (limit, window)

    def fail(self, route: str, *, times: int = 1, status: int = 502) -> None:
        self.fail_times[route] = (times, status)

    def calls_to(self, route: str) -> list[Call]:
        return [c for c in self.calls if f"{c.method} {c.route}" == route and c.status < 400]

    async def wait_for(self, route: str, *, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(found := self.calls_to(route)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{route} called {len(found)} times, wanted {count}")
            await asyncio.sleep(0.01)
        return found

    # -- HTTP ------------------------------------------------------------------------------
    def app(self) -> Starlette:
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self._me),
            ("GET", "/applications/@me", self._application),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/guilds/{guild_id}", self._guild),
            ("GET", "/guilds/{guild_id}/roles", self._roles),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._member),
            ("PUT", "/guilds/{guild_id}/members/{user_id}", self._add_member),
            ("DELETE", "/guilds/{guild_id}/members/{user_id}", self._kick),
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._add_role),
            ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._remove_role),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("POST", "/users/@me/channels", self._open_dm),
            ("POST", "/channels/{channel_id}/messages", self._send),
            ("GET", "/oauth2/authorize", self._authorize),
            ("POST", "/oauth2/token", self._token),
        ]
        routes = [
            Route(path, self._endpoint(method, path, fn), methods=[method])
            for method, path, fn in table
        ]
        return Starlette(routes=routes)

    def _endpoint(self, method: str, route: str, fn: Handler) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            auth = request.headers.get("authorization", "")
            call = Call(method, request.url.path, route, None, auth)
            self.calls.append(call)
            key = f"{method} {route}"
            bucket_id, bucket = self._bucket(key, request.path_params)
            try:
                call.body = body = await read_body(request)
                self._gate(key, call, bucket)
                result = await fn(request, body)
            except ApiError as exc:
                call.status = exc.status
                return with_limits(exc.response(), bucket_id, bucket)
            if isinstance(result, Response):
                call.status = result.status_code
                return result
            call.status = 204 if result is None else 200
            response = Response(status_code=204) if result is None else JSONResponse(result)
            return with_limits(response, bucket_id, bucket)

        return endpoint

    def _bucket(self, key: str, params: dict[str, Any]) -> tuple[str, Bucket]:
        major = params.get("guild_id") or params.get("channel_id") or ""
        bucket_id = hashlib.sha1(f"{key}".encode()).hexdigest()[:16]
        limit, window = self.limits.get(key, (1000, 1.0))
        bucket = self.buckets.setdefault(f"{bucket_id}:{major}", Bucket(limit, window))
        return bucket_id, bucket

    def _gate(self, key: str, call: Call, bucket: Bucket) -> None:
        for index, (route, times, retry_after, is_global) in enumerate(self.throttles):
            if route == key and times > 0:
                self.throttles[index] = (route, times - 1, retry_after, is_global)
                raise ApiError(
                    429,
                    0,
                    "You are being rate limited.",
                    retry_after=retry_after,
                    is_global=is_global,
                )
        if key in self.fail_times and self.fail_times[key][0] > 0:
            times, status = self.fail_times[key]
            self.fail_times[key] = (times - 1, status)
            raise ApiError(status, 0, "Bad Gateway")
        now = time.monotonic()
        if now >= bucket.reset_at:
            bucket.used, bucket.reset_at = 0, now + bucket.window
        if bucket.used >= bucket.limit:
            self.violations.append(call)
            raise ApiError(
                429, 0, "You are being rate limited.", retry_after=round(bucket.reset_at - now, 3)
            )
        bucket.used += 1

    def bot_app(self, request: Request) -> Application:
        auth = request.headers.get("authorization", "")
        for app in self.apps.values():
            if auth == f"Bot {app.token}":
                return app
        raise ApiError(401, 0, "401: Unauthorized")

    def guild_of(self, request: Request, app: Application) -> Guild:
        guild = self.guilds.get(request.path_params["guild_id"])
        if guild is None or app.bot.id not in guild.members:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    # -- bot routes ------------------------------------------------------------------------
    async def _me(self, request: Request, body: Any) -> Any:
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer "):
            return self.oauth_me(auth.removeprefix("Bearer "))
        return self.bot_app(request).bot.wire()

    async def _application(self, request: Request, body: Any) -> Any:
        return self.bot_app(request).wire()

    async def _guild(self, request: Request, body: Any) -> Any:
        return self.guild_of(request, self.bot_app(request)).wire()

    async def _roles(self, request: Request, body: Any) -> Any:
        guild = self.guild_of(request, self.bot_app(request))
        return [role.wire() for role in guild.roles.values()]

    def _target(self, request: Request) -> tuple[Application, Guild, Member]:
        app = self.bot_app(request)
        guild = self.guild_of(request, app)
        member = guild.members.get(request.path_params["user_id"])
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return app, guild, member

    async def _member(self, request: Request, body: Any) -> Any:
        return self._target(request)[2].wire()

    async def _add_role(self, request: Request, body: Any) -> Any:
        app, guild, member = self._target(request)
        role = self._manageable(guild, app, request.path_params["role_id"])
        if role.id not in member.roles:
            member.roles.append(role.id)
        self.arrived.set()
        return None

    async def _remove_role(self, request: Request, body: Any) -> Any:
        app, guild, member = self._target(request)
        role = self._manageable(guild, app, request.path_params["role_id"])
        if role.id in member.roles:
            member.roles.remove(role.id)
        return None

    def _manageable(self, guild: Guild, app: Application, role_id: str) -> Any:
        role = guild.roles.get(role_id)
        if role is None:
            raise ApiError(404, 10011, "Unknown Role")
        if role.managed or role.id == guild.id or not guild.can_manage_role(app.bot.id, role):
            raise ApiError(403, 50013, "Missing Permissions")
        return role

    async def _kick(self, request: Request, body: Any) -> Any:
        app, guild, member = self._target(request)
        if not guild.can_kick(app.bot.id, member.user.id):
            raise ApiError(403, 50013, "Missing Permissions")
        del guild.members[member.user.id]
        return None

    async def _add_member(self, request: Request, body: Any) -> Any:
        app = self.bot_app(request)
        guild = self.guild_of(request, app)
        user_id = request.path_params["user_id"]
        if user_id in guild.members:
            return Response(status_code=204)
        self.check_join_token(app, user_id, (body or {}).get("access_token", ""))
        if not guild.permissions_of(app.bot.id) & CREATE_INSTANT_INVITE:
            raise ApiError(403, 50013, "Missing Permissions")
        roles = [self._manageable(guild, app, r).id for r in (body or {}).get("roles", [])]
        member = self.join(guild, self.users[user_id], *roles)
        self.arrived.set()
        return JSONResponse(member.wire(), status_code=201)

    async def _put_commands(self, request: Request, body: Any) -> Any:
        app = self.bot_app(request)
        if request.path_params["app_id"] != app.id:
            raise ApiError(403, 50001, "Missing Access")
        self.guild_of(request, app)
        commands = [
            {
                **command,
                "id": snowflake(),
                "application_id": app.id,
                "guild_id": request.path_params["guild_id"],
                "version": snowflake(),
            }
            for command in body
        ]
        app.commands[request.path_params["guild_id"]] = commands
        return commands

    async def _get_commands(self, request: Request, body: Any) -> Any:
        app = self.bot_app(request)
        return app.commands.get(request.path_params["guild_id"], [])

    async def _open_dm(self, request: Request, body: Any) -> Any:
        app = self.bot_app(request)
        recipient = self.users.get(str(body.get("recipient_id")))
        if recipient is None:
            raise ApiError(400, 50035, "Invalid Form Body")
        channel_id = next((c for c, u in self.dm_channels.items() if u == recipient.id), None)
        channel_id = channel_id or snowflake()
        self.dm_channels[channel_id] = recipient.id
        return {
            "id": channel_id,
            "type": 1,
            "recipients": [recipient.wire()],
            "last_message_id": None,
            "flags": 0,
            "owner_id": app.bot.id,
        }

    async def _send(self, request: Request, body: Any) -> Any:
        app = self.bot_app(request)
        recipient_id = self.dm_channels.get(request.path_params["channel_id"])
        if recipient_id is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if not self.users[recipient_id].dms_open:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        message = {
            "id": snowflake(),
            "channel_id": request.path_params["channel_id"],
            "author": app.bot.wire(),
            "content": body.get("content", ""),
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "recipient_id": recipient_id,
        }
        self.messages.append(message)
        return message

    def dms_to(self, user: User) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["recipient_id"] == user.id]

    # -- OAuth2 consent page ----------------------------------------------------------------
    async def _authorize(self, request: Request, body: Any) -> Any:
        if self.consenting_user is None:
            raise ApiError(401, 0, "401: Unauthorized (nobody is signed in to Discord)")
        query = dict(request.query_params)
        code = self.approve_query(query, self.consenting_user)
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return RedirectResponse(target, status_code=302)

    async def _token(self, request: Request, body: Any) -> Any:
        return self.token_grant(request.headers.get("authorization", ""), body)
