"""Money: integer minor units + ISO currency; percentages with Decimal, rounded half up.

The one rounding rule of the project: any fractional minor unit produced by a percentage
(a discount, a tax share) is rounded to the nearest minor unit, halves away from zero
(ROUND_HALF_UP), once per line, never on intermediate sums.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision

# Telegram Stars are whole units; Babel does not know the code.
_PRECISION_OVERRIDES = {"XTR": 0}


def minor_digits(currency: str) -> int:
    """How many digits after the point the currency has (PLN 2, JPY 0, XTR 0)."""
    currency = currency.upper()
    if currency in _PRECISION_OVERRIDES:
        return _PRECISION_OVERRIDES[currency]
    return int(get_currency_precision(currency))


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount: int, basis_points: int) -> int:
    """`basis_points` (1/100 of a percent: 2300 = 23 %) of `amount`, rounded half up."""
    return round_half_up(Decimal(amount) * Decimal(basis_points) / Decimal(10_000))


def tax_included_in(gross: int, rate_bp: int) -> int:
    """The tax share inside a gross amount: gross × rate / (1 + rate), rounded half up."""
    rate = Decimal(rate_bp) / Decimal(10_000)
    return round_half_up(Decimal(gross) * rate / (1 + rate))


def to_decimal(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-minor_digits(currency))


def format_money(amount: int, currency: str, locale: str = "en") -> str:
    """Human form in a locale: 12 345,00 zł (pl), $12,345.00 (en), 50 XTR."""
    if currency.upper() == "XTR":
        return f"{amount} XTR"
    return str(format_currency(to_decimal(amount, currency), currency.upper(), locale=locale))
