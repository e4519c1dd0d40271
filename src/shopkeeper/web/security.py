"""Cookies and CSRF for the web pages: the session cookie, login CSRF, safe redirects."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper.kit.crypto import constant_time_equal, random_token, sign
from shopkeeper.settings import Settings

SESSION_COOKIE = "sk_session"
LOGIN_CSRF_COOKIE = "sk_login_csrf"
FLASH_COOKIE = "sk_flash"  # a message key shown once as a toast on the next page
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
ADMIN_PATH = "/admin"
_LOGIN_CSRF_PURPOSE = b"admin-login-csrf:"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def set_session_cookie(
    response: Response, *, token: str, expires_at: datetime, now: datetime, settings: Settings
) -> None:
    """The session token: HttpOnly, SameSite=Lax, Secure behind HTTPS, only sent to /admin."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max(0, int((expires_at - now).total_seconds())),
        path=ADMIN_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path=ADMIN_PATH, httponly=True, samesite="lax",
        secure=settings.secure_cookies,
    )  # fmt: skip


def new_login_csrf(secret: str) -> str:
    """A signed double-submit token: a random nonce and its HMAC, so no one else can mint one."""
    nonce = random_token(18)
    return f"{nonce}.{sign(secret, _LOGIN_CSRF_PURPOSE + nonce.encode())}"


def login_csrf_is_valid(secret: str, *, cookie: str | None, submitted: str | None) -> bool:
    """The form's token equals the cookie's, and the cookie was signed by us."""
    if not cookie or not submitted or not constant_time_equal(cookie, submitted):
        return False
    nonce, _, signature = cookie.partition(".")
    expected = sign(secret, _LOGIN_CSRF_PURPOSE + nonce.encode())
    return bool(nonce) and constant_time_equal(signature, expected)


def set_login_csrf_cookie(response: Response, *, token: str, settings: Settings) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, path=ADMIN_PATH, httponly=True,
        samesite="lax", secure=settings.secure_cookies,
    )  # fmt: skip


def set_flash(response: Response, key: str, settings: Settings) -> None:
    """Show the toast `key` (see admin/templates/base.html) on the next page rendered."""
    response.set_cookie(
        FLASH_COOKIE, key, max_age=60, path=ADMIN_PATH, httponly=True, samesite="lax",
        secure=settings.secure_cookies,
    )  # fmt: skip


def redirect_with_flash(url: str, key: str, settings: Settings) -> Response:
    """303 to `url`, whose page then says once what just happened (toast `key`)."""
    response = RedirectResponse(url, status_code=303)
    set_flash(response, key, settings)
    return response


def tokens_match(expected: str, submitted: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the one a request carries."""
    return bool(submitted) and constant_time_equal(expected, submitted or "")


async def submitted_csrf_token(request: Request) -> str | None:
    """The CSRF token of a request: the X-CSRF-Token header (HTMX) or the hidden form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def safe_next(value: str | None, default: str = ADMIN_PATH) -> str:
    """A redirect target taken from the query only when it is a path on this site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_path: str) -> str:
    """The login page that returns to `next_path` afterwards."""
    return f"{ADMIN_PATH}/login?next={quote(next_path, safe='/')}"
