"""Money, periods and dates as a bot user reads them, in their language (Babel)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from babel.units import format_unit

from shopkeeper.kit.money import format_money

STARS = "XTR"


def money(amount: int, currency: str, language: str) -> str:
    """`9,99 €`, `$9.99`, `500 ⭐` (Telegram Stars)."""
    if currency.upper() == STARS:
        return f"{amount} ⭐"
    return format_money(amount, currency, language)


def period(count: int, unit: str, language: str) -> str:
    """`1 month`, `3 месяца`, `2 tygodnie`."""
    return str(format_unit(count, f"duration-{unit}", locale=language, length="long"))


def days(count: int, language: str) -> str:
    return period(max(count, 0), "day", language)


def local_date(moment: datetime, timezone: str, language: str) -> str:
    """The day `moment` falls on in the shop's time zone (`Dec 24, 2026`, `24 дек. 2026 г.`)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return str(format_date(moment.astimezone(zone).date(), format="medium", locale=language))
