"""What the admin's forms share: amounts typed and shown in the shop's locale, the
form's values and errors, and pydantic errors in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from starlette.datastructures import FormData

from shopkeeper.kit.money import format_money, minor_digits
from shopkeeper.web.admin.broadcast_form import error_text as generic_error_text

Gettext = Callable[..., str]
MAX_AMOUNT = 10**15  # minor units, the services' own ceiling
_SPACES = {" ", "\u00a0", "\u202f", "\u2009"}  # group separators people type or paste


class EntryError(ValueError):
    """A typed value that is not what the field takes; the message is for the reader."""


@dataclass
class Form:
    """What was typed (shown back as typed) and the errors placed by field key."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def has(self, prefix: str) -> bool:
        return any(key == prefix or key.startswith(prefix + "_") for key in self.errors)


def one(data: FormData, name: str, limit: int = 200) -> str:
    value = data.get(name)
    return value[:limit].strip() if isinstance(value, str) else ""


def many(data: FormData, name: str, count: int, limit: int = 200) -> list[str]:
    """The `count` values of a repeated field (missing ones empty)."""
    found = [str(v)[:limit].strip() for v in data.getlist(name)][:count]
    return found + [""] * (count - len(found))


def parse_number(text: str, locale: str, _: Gettext) -> Decimal:
    """A decimal as the shop's locale writes it (spaces between thousands allowed)."""
    cleaned = "".join(ch for ch in text if ch not in _SPACES)
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise EntryError(_("Enter a number, e.g. %(example)s.", example=example(locale))) from None
    if not value.is_finite():
        raise EntryError(_("Enter a number, e.g. %(example)s.", example=example(locale)))
    if value < 0:
        raise EntryError(_("Enter 0 or more."))
    return value


def parse_amount(text: str, currency: str, locale: str, _: Gettext) -> int:
    """Major units typed in the shop's locale ("12,50") as minor units of `currency` (1250)."""
    value = parse_number(text, locale, _)
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise EntryError(_("At most %(digits)s digits after the decimal sign.", digits=digits))
    if scaled > MAX_AMOUNT:
        raise EntryError(_("The amount is too large."))
    return int(scaled)


def parse_scaled(text: str, locale: str, factor: int, _: Gettext) -> int:
    """A decimal typed in bigger units (kg, cm) as whole smaller ones (g, mm)."""
    value = parse_number(text, locale, _) * factor
    if value != value.to_integral_value():
        places = len(str(factor)) - 1
        raise EntryError(_("At most %(digits)s digits after the decimal sign.", digits=places))
    return int(value)


def show_amount(amount: int | None, currency: str, locale: str) -> str:
    """Minor units as a form shows them to edit: "1 234,50" (pl), "1,234.50" (en)."""
    if amount is None:
        return ""
    digits = minor_digits(currency)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    value = Decimal(amount).scaleb(-digits)
    return str(format_decimal(value, format=pattern, locale=locale))


def show_scaled(value: int | None, factor: int, locale: str) -> str:
    """Grams as kilograms, millimetres as centimetres, in the shop's locale."""
    if value is None:
        return ""
    places = len(str(factor)) - 1
    pattern = "#,##0." + "#" * places
    return str(format_decimal(Decimal(value) / factor, format=pattern, locale=locale))


def money(amount: int, currency: str, locale: str) -> str:
    """An amount with its currency, as the shop's locale prints money."""
    return format_money(amount, currency, locale)


def page_number(text: str | None, last: int = 1_000_000) -> int:
    """A list's `page` parameter: 1 to `last`, 1 when it is not a number."""
    try:
        return max(1, min(int(text or "1"), last))
    except ValueError:
        return 1


def example(locale: str) -> str:
    return show_amount(123450, "EUR", locale)


def error_text(error: Mapping[str, Any], _: Gettext, patterns: Mapping[str, str]) -> str:
    """A schema error in the reader's language; `patterns` say what a field's pattern wants."""
    if error.get("type") == "string_pattern_mismatch":
        name = next((str(p) for p in reversed(error.get("loc", ())) if isinstance(p, str)), "")
        if name in patterns:
            return patterns[name]
        return _("Use only the characters this field allows.")
    return generic_error_text(error, _)
