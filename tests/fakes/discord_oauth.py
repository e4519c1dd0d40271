"""The OAuth2 side of the fake Discord: consent, authorization codes bound to a PKCE
challenge, the token endpoint (authorization_code and refresh_token grants), Bearer users."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.discord_guild import Application, User
from tests.fakes.discord_wire import ApiError

TOKEN_LIFETIME = 604800


class OAuthError(ApiError):
    """Token endpoint errors are RFC 6749 shaped: {"error", "error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(status, 0, description)
        self.error = error

    def response(self):  # type: ignore[no-untyped-def]
        from starlette.responses import JSONResponse

        return JSONResponse({"error": self.error, "error_description": self.message}, self.status)


@dataclass
class Grant:
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    redirect_uri: str = ""
    challenge: str = ""


class OAuthMixin:
    users: dict[str, User]
    apps: dict[str, Application]

    def __init__(self) -> None:
        self.consenting_user: User | None = None
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_grants: dict[str, Grant] = {}

    def approve(self, authorize_url: str, user: User) -> str:
        """`user` clicks "Authorize" on the consent page of `authorize_url`; the code."""
        return self.approve_query(dict(parse_qsl(urlsplit(authorize_url).query)), user)

    def approve_query(self, query: dict[str, str], user: User) -> str:
        app = self.apps.get(query.get("client_id", ""))
        if app is None:
            raise ApiError(400, 50035, "Invalid Form Body: client_id")
        if query.get("response_type") != "code" or "state" not in query:
            raise ApiError(400, 50035, "Invalid Form Body: response_type/state")
        if query.get("code_challenge_method", "S256") != "S256" or not query.get("code_challenge"):
            raise ApiError(400, 50035, "Invalid Form Body: code_challenge")
        code = secrets.token_urlsafe(18)
        self.codes[code] = Grant(
            app.id,
            user.id,
            tuple(query.get("scope", "").split()),
            query.get("redirect_uri", ""),
            query["code_challenge"],
        )
        return code

    def issue_token(self, app: Application, user: User, scopes: tuple[str, ...]) -> str:
        """An access token as if `user` had authorized `app` (for tests that skip the flow)."""
        token = secrets.token_urlsafe(24)
        self.access_tokens[token] = Grant(app.id, user.id, scopes)
        return token

    def token_grant(self, authorization: str, form: dict[str, str]) -> dict[str, Any]:
        app = self._client(authorization, form or {})
        kind = form.get("grant_type")
        if kind == "authorization_code":
            grant = self._redeem(app, form)
        elif kind == "refresh_token":
            grant = self.refresh_grants.pop(form.get("refresh_token", ""), None)
            if grant is None or grant.client_id != app.id:
                raise OAuthError("invalid_grant", 'Invalid "refresh_token" in request.')
        else:
            raise OAuthError("unsupported_grant_type", "Unsupported grant type")
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = grant
        self.refresh_grants[refresh] = grant
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "refresh_token": refresh,
            "scope": " ".join(grant.scopes),
        }

    def _client(self, authorization: str, form: dict[str, str]) -> Application:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, secret = decoded.partition(":")
        app = self.apps.get(client_id)
        if app is None or not secrets.compare_digest(app.client_secret, secret):
            raise OAuthError("invalid_client", "Invalid client", status=401)
        return app

    def _redeem(self, app: Application, form: dict[str, str]) -> Grant:
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant.client_id != app.id:
            raise OAuthError("invalid_grant", 'Invalid "code" in request.')
        if grant.redirect_uri != form.get("redirect_uri"):
            raise OAuthError("invalid_grant", 'Invalid "redirect_uri" in request.')
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            raise OAuthError("invalid_grant", 'Invalid "code_verifier" in request.')
        return grant

    def oauth_me(self, token: str) -> dict[str, Any]:
        grant = self.access_tokens.get(token)
        if grant is None or "identify" not in grant.scopes:
            raise ApiError(401, 0, "401: Unauthorized")
        return self.users[grant.user_id].wire(email="email" in grant.scopes)

    def check_join_token(self, app: Application, user_id: str, token: str) -> None:
        grant = self.access_tokens.get(token)
        if (
            grant is None
            or grant.user_id != user_id
            or grant.client_id != app.id
            or "guilds.join" not in grant.scopes
        ):
            raise ApiError(403, 50025, "Invalid OAuth2 access token")
