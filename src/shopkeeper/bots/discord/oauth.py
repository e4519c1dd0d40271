"""Discord OAuth2 (authorization code + PKCE S256) for signing customers in and linking them.

A library module: the caller (the storefront's sign-in) keeps `state` and the PKCE verifier,
sends the person to `authorization_url(...)`, and on the callback calls `exchange_code` then
`fetch_user`. Tokens are not stored here; `store_user_tokens` keeps them encrypted.
`api_base` is `settings.discord_api_url` (a local fake in tests).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from shopkeeper.bots.discord.errors import DiscordUnavailable, OAuthRefused

DEFAULT_SCOPES = ("identify", "email", "guilds.join")
DISCORD_HOSTS = {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}


@dataclass(frozen=True)
class DiscordTokens:
    access_token: str
    refresh_token: str | None
    expires_in: int
    scopes: tuple[str, ...]
    token_type: str = "Bearer"  # noqa: S105 (a scheme name)

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.expires_in)

    @property
    def can_join_guilds(self) -> bool:
        return "guilds.join" in self.scopes


@dataclass(frozen=True)
class DiscordUser:
    id: str
    username: str
    global_name: str | None
    email: str | None
    verified: bool
    locale: str | None

    @property
    def display_name(self) -> str:
        return self.global_name or self.username


def new_code_verifier() -> str:
    """A PKCE verifier: 64 URL-safe characters (RFC 7636 allows 43–128)."""
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_endpoint(api_base: str) -> str:
    """Discord's consent page; for a fake API (tests) the same path under its base URL."""
    if urlsplit(api_base).hostname in DISCORD_HOSTS:
        return "https://discord.com/oauth2/authorize"
    return f"{api_base.rstrip('/')}/oauth2/authorize"


def authorization_url(
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    *,
    api_base: str = "https://discord.com/api/v10",
    prompt: str | None = None,
) -> str:
    """Where to send the person: Discord asks them to allow `scopes` to `client_id`."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if prompt:
        query["prompt"] = prompt
    return f"{authorize_endpoint(api_base)}?{urlencode(query)}"


async def exchange_code(
    http: httpx.AsyncClient,
    api_base: str,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> DiscordTokens:
    """The callback's `code` → tokens; OAuthRefused when Discord says no (nothing stored)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    return await _token_call(http, api_base, client_id, client_secret, form)


async def refresh_tokens(
    http: httpx.AsyncClient,
    api_base: str,
    client_id: str,
    client_secret: str,
    refresh_token: str,
) -> DiscordTokens:
    """A new access token (and a rotated refresh token) for an expired one."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return await _token_call(http, api_base, client_id, client_secret, form)


async def fetch_user(http: httpx.AsyncClient, api_base: str, access_token: str) -> DiscordUser:
    """The person behind `access_token` (email only with the `email` scope)."""
    response = await _send(
        http,
        "GET",
        f"{api_base.rstrip('/')}/users/@me",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    body = _json(response)
    if response.status_code == 401:
        raise OAuthRefused("invalid_token", str(body.get("message", "")))
    if response.status_code != 200:
        raise DiscordUnavailable(f"GET /users/@me answered {response.status_code}")
    return DiscordUser(
        id=str(body["id"]),
        username=str(body.get("username", "")),
        global_name=body.get("global_name"),
        email=body.get("email"),
        verified=bool(body.get("verified", False)),
        locale=body.get("locale"),
    )


async def _token_call(
    http: httpx.AsyncClient,
    api_base: str,
    client_id: str,
    client_secret: str,
    form: dict[str, str],
) -> DiscordTokens:
    response = await _send(
        http,
        "POST",
        f"{api_base.rstrip('/')}/oauth2/token",
        data=form,
        auth=httpx.BasicAuth(client_id, client_secret),
    )
    body = _json(response)
    if response.status_code in (400, 401):
        raise OAuthRefused(
            str(body.get("error", "invalid_request")), str(body.get("error_description", ""))
        )
    if response.status_code != 200 or "access_token" not in body:
        raise DiscordUnavailable(f"POST /oauth2/token answered {response.status_code}")
    return DiscordTokens(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token"),
        expires_in=int(body.get("expires_in", 0)),
        scopes=tuple(str(body.get("scope", "")).split()),
        token_type=str(body.get("token_type", "Bearer")),
    )


async def _send(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return await http.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise DiscordUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
