"""The storefront's language (one of the shop's, among en/pl/ru) and pages rendered in it.

Choice: `?lang=` (remembered in the language cookie), then the cookie, then Accept-Language,
then the shop's default language. Money and dates are formatted by Babel for that language,
dates in the shop's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from babel.core import Locale
from babel.dates import format_date
from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from shopkeeper.kit.money import format_money
from shopkeeper.web.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_COOKIE,
    LANGUAGES,
    choose_language,
    parse_accept_language,
    translations,
)
from shopkeeper.web.security import SECURITY_HEADERS
from shopkeeper.web.templating import environment, localtime, zone

LANGUAGE_MAX_AGE = 365 * 24 * 3600
# A Buy form answers with a redirect to the gateway's checkout (Stripe, the sandbox page):
# form-action must allow it, the rest of the admin's policy stays.
STORE_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", "form-action 'self' https:"
    ),
}


def shop_languages(languages: Sequence[str], default: str) -> list[str]:
    """The shop's languages the storefront has catalogs for, its default first."""
    known = [code for code in languages if code in LANGUAGES] or [DEFAULT_LANGUAGE]
    return sorted(known, key=lambda code: code != default)


def choose_store_language(request: Request, languages: Sequence[str], default: str) -> str:
    allowed = shop_languages(languages, default)
    asked = request.query_params.get("lang")
    if asked in allowed:
        return str(asked)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in allowed:
        return str(cookie)
    for tag in parse_accept_language(request.headers.get("accept-language") or ""):
        if (primary := tag.split("-", 1)[0]) in allowed:
            return primary
    return allowed[0]


def page_language(request: Request) -> str:
    """The language chosen for this request's shop, or the visitor's before the shop is known."""
    chosen = getattr(request.state, "store_language", None)
    if isinstance(chosen, str):
        return chosen
    return choose_language(cookie=request.cookies.get(LANGUAGE_COOKIE),
                           accept_language=request.headers.get("accept-language"))  # fmt: skip


def translator(language: str) -> Callable[..., str]:
    """gettext for messages built in Python: `_("%(n)s left", n=3)`."""
    catalog = translations(language)

    def gettext(message: str, **variables: object) -> str:
        text = catalog.gettext(message)
        return text % variables if variables else text

    return gettext


def formatters(language: str, timezone: str) -> dict[str, Any]:
    """money(amount, currency) and when(datetime) in the page's language and shop's zone."""

    def money(amount: int, currency: str) -> str:
        return format_money(amount, currency, language)

    def when(value: datetime | None, fmt: str = "medium") -> str:
        return localtime(value, timezone, language, fmt)

    def day(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone(timezone))
        return str(format_date(local, format="long", locale=Locale.parse(language)))

    return {"money": money, "when": when, "day": day}


def render_page(
    request: Request, template: str, context: dict[str, Any] | None = None, *,
    status_code: int = 200, headers: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """Render a storefront template in the request's language (see deps.Storefront)."""
    language = page_language(request)
    base = getattr(request.state, "store_context", None) or {}
    values = {"request": request, **formatters(language, base.get("timezone", "UTC")), **base,
              **(context or {})}  # fmt: skip
    html = environment(language).get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Content-Language"] = language
    if request.query_params.get("lang") == language:
        remember_language(response, language, secure=bool(base.get("secure_cookies")))
    return response


def remember_language(response: Response, language: str, *, secure: bool) -> None:
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_MAX_AGE, path="/",
                        samesite="lax", secure=secure)  # fmt: skip
