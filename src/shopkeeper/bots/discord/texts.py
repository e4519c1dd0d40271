"""What the bot says in Discord, in the member's language (en, pl, ru; English otherwise)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.units import format_unit

LANGUAGES = ("en", "pl", "ru")

TEXTS: dict[str, dict[str, str]] = {
    "status.none": {
        "en": "You have no premium yet. Get it here: {url}",
        "pl": "Nie masz jeszcze premium. Kupisz je tutaj: {url}",
        "ru": "У вас пока нет премиума. Оформить: {url}",
    },
    "status.head": {
        "en": "Your premium:",
        "pl": "Twoje premium:",
        "ru": "Ваш премиум:",
    },
    "status.line": {
        "en": "• **{plan}**: {days} left (until {end})",
        "pl": "• **{plan}**: zostało {days} (do {end})",
        "ru": "• **{plan}**: осталось {days} (до {end})",
    },
    "status.trial": {"en": " (trial)", "pl": " (okres próbny)", "ru": " (пробный период)"},
    "status.past_due": {
        "en": " (payment due: renew to keep it)",
        "pl": " (płatność zaległa: odnów, by zachować)",
        "ru": " (требуется оплата: продлите, чтобы сохранить)",
    },
    "status.ending": {
        "en": " (ends, will not renew)",
        "pl": " (wygasa, nie odnowi się)",
        "ru": " (закончится, без продления)",
    },
    "buy": {
        "en": "Choose your premium tier in the shop: {url}",
        "pl": "Wybierz swój pakiet premium w sklepie: {url}",
        "ru": "Выберите премиум-тариф в магазине: {url}",
    },
    "button.shop": {"en": "Open the shop", "pl": "Otwórz sklep", "ru": "Открыть магазин"},
    "unknown": {
        "en": "I do not know this command.",
        "pl": "Nie znam tego polecenia.",
        "ru": "Я не знаю такой команды.",
    },
}


def language_of(locale: str | None) -> str:
    """`pl` → pl, `en-US` → en, `ru` → ru, anything else → en."""
    head = (locale or "").split("-", 1)[0].lower()
    return head if head in LANGUAGES else "en"


def text(key: str, language: str, **values: object) -> str:
    return TEXTS[key].get(language, TEXTS[key]["en"]).format(**values)


def days(count: int, language: str) -> str:
    """`3 days`, `3 dni`, `3 дня`."""
    return str(format_unit(max(count, 0), "duration-day", locale=language, length="long"))


def local_date(moment: datetime, timezone: str, language: str) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return str(format_date(moment.astimezone(zone).date(), format="medium", locale=language))
