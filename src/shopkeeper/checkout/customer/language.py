"""Which language a shopper reads consents in, and a text in it (pure functions)."""

from __future__ import annotations

from shopkeeper.checkout.customer.schemas import LANGUAGES

DEFAULT = "en"


def _tags(accept_language: str) -> list[str]:
    """Primary language tags of an Accept-Language header, best first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, index, tag.strip().lower().split("-", 1)[0]))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(*, requested: str | None, accept_language: str | None, default: str) -> str:
    """`?lang=` first, then the browser's preference, then the shop's default language."""
    if requested and requested.lower() in LANGUAGES:
        return requested.lower()
    for tag in _tags(accept_language or ""):
        if tag in LANGUAGES:
            return tag
    return default if default in LANGUAGES else DEFAULT


def text_in(texts: dict[str, str], language: str, *, fallback: str) -> tuple[str, str]:
    """(language, text): in `language` when the consent has it, else the shop's default
    language, else English, else any language it has."""
    for code in (language, fallback, DEFAULT, *LANGUAGES):
        if texts.get(code):
            return code, texts[code]
    return language, ""
