"""The storefront's cookies, each scoped to its shop's /s/{shop} path: HttpOnly, SameSite=Lax,
Secure when the site is served over https (SHOPKEEPER_PUBLIC_URL / COOKIE_SECURE)."""

from __future__ import annotations

from datetime import datetime

from fastapi import Response

from shopkeeper.settings import Settings

SESSION_COOKIE = "sk_store"
SIGNIN_CSRF_COOKIE = "sk_store_csrf"
OAUTH_STATE_COOKIE = "sk_store_oauth"
OAUTH_STATE_MAX_AGE = 600


def _set(response: Response, name: str, value: str, *, path: str, max_age: int,
         settings: Settings) -> None:  # fmt: skip
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=settings.secure_cookies)  # fmt: skip


def _clear(response: Response, name: str, *, path: str, settings: Settings) -> None:
    response.delete_cookie(name, path=path, httponly=True, samesite="lax",
                           secure=settings.secure_cookies)  # fmt: skip


def set_session(response: Response, base: str, *, token: str, expires_at: datetime,
                now: datetime, settings: Settings) -> None:  # fmt: skip
    max_age = max(0, int((expires_at - now).total_seconds()))
    _set(response, SESSION_COOKIE, token, path=base, max_age=max_age, settings=settings)


def clear_session(response: Response, base: str, settings: Settings) -> None:
    _clear(response, SESSION_COOKIE, path=base, settings=settings)


def set_signin_csrf(response: Response, base: str, token: str, settings: Settings) -> None:
    _set(response, SIGNIN_CSRF_COOKIE, token, path=base, max_age=3600, settings=settings)


def set_oauth_state(response: Response, base: str, state: str, settings: Settings) -> None:
    _set(response, OAUTH_STATE_COOKIE, state, path=f"{base}/auth/discord",
         max_age=OAUTH_STATE_MAX_AGE, settings=settings)  # fmt: skip


def clear_oauth_state(response: Response, base: str, settings: Settings) -> None:
    _clear(response, OAUTH_STATE_COOKIE, path=f"{base}/auth/discord", settings=settings)
