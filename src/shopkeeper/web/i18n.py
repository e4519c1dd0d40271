"""Languages of the web pages: gettext catalogs (en, pl, ru) and choosing one per request."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {"en": "English", "pl": "Polski", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "sk_lang"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


@cache
def translations(language: str) -> NullTranslations:
    """The catalog of `language`, compiled from its .po file in memory (no .mo is committed)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, index, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(*, cookie: str | None, accept_language: str | None) -> str:
    """The user's explicit choice first, then the browser's preference, then English."""
    if cookie in LANGUAGES:
        return cookie
    for tag in parse_accept_language(accept_language or ""):
        primary = tag.split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE
