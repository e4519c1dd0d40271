"""The Jinja2 environments shared by every web surface: auto-escaping, gettext, Babel formats."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_datetime, get_timezone_name
from babel.numbers import get_currency_name
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from shopkeeper.kit.money import format_money
from shopkeeper.web.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, translations

WEB_DIR = Path(__file__).parent
STATIC_DIR = WEB_DIR / "static"
STATIC_PREFIX = "/static"


def request_language(request: Request) -> str:
    """The language a page is rendered in for this request."""
    return choose_language(
        cookie=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
    )


@cache
def environment(language: str) -> Environment:
    """One environment per language, so gettext never leaks between concurrent requests."""
    env = Environment(
        loader=ChoiceLoader(
            [
                PrefixLoader(
                    {
                        "admin": FileSystemLoader(WEB_DIR / "admin" / "templates"),
                        "common": FileSystemLoader(WEB_DIR / "common" / "templates"),
                        "pay": FileSystemLoader(WEB_DIR / "pay" / "templates"),
                        "store": FileSystemLoader(WEB_DIR / "store" / "templates"),
                        "unsubscribe": FileSystemLoader(WEB_DIR / "unsubscribe" / "templates"),
                    }
                )
            ]
        ),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(static=static_url, language=language, languages=LANGUAGES)
    env.filters["localtime"] = lambda value, tz="UTC", fmt="medium": localtime(
        value, tz, language, fmt
    )
    env.filters["tzname"] = lambda tz: timezone_label(tz, language)
    env.filters["pretty_json"] = pretty_json
    env.filters["currency_name"] = lambda code: get_currency_name(code, locale=language)
    env.filters["language_name"] = lambda code: language_name(code, language)
    env.filters["money"] = lambda amount, currency: format_money(amount, currency, language)
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render `template` in the request's language into an HTML response."""
    language = request_language(request)
    values = {"request": request, **(context or {})}
    html = environment(language).get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Content-Language"] = language
    return response


def gettext_for(request: Request) -> Callable[..., str]:
    """gettext in the request's language for messages built in Python: `_("%(n)s min", n=3)`."""
    catalog = translations(request_language(request))

    def gettext(message: str, **variables: object) -> str:
        text = catalog.gettext(message)
        return text % variables if variables else text

    return gettext


def zone(name: str) -> ZoneInfo:
    """The shop's time zone, falling back to UTC for a name this machine does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def localtime(value: datetime | None, tz: str, language: str, fmt: str = "medium") -> str:
    """A UTC time shown in the shop's zone, formatted for the reader's language."""
    if value is None:
        return ""
    return format_datetime(value, format=fmt, tzinfo=zone(tz), locale=Locale.parse(language))


def timezone_label(tz: str, language: str) -> str:
    """A readable name of a time zone, e.g. 'Central European Time (Warsaw)'."""
    try:
        return str(get_timezone_name(zone(tz), locale=Locale.parse(language)))
    except (LookupError, ValueError):
        return tz


def language_name(code: str, language: str) -> str:
    """A language's own name in the reader's language, e.g. 'polski' → 'Polish' for English."""
    try:
        name = Locale.parse(code).get_display_name(Locale.parse(language))
    except (UnknownLocaleError, ValueError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def pretty_json(value: Any) -> str:
    """Indented JSON for the before/after blocks of the audit log."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


@cache
def _static_version(relative: str) -> str:
    path = STATIC_DIR / relative
    if not path.is_file():
        return "0"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(relative: str) -> str:
    """A cache-busting URL of a file under web/static (its content hash in the query)."""
    return f"{STATIC_PREFIX}/{relative}?v={_static_version(relative)}"
