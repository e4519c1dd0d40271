"""The money rules: minor units per currency, one rounding rule, locale formatting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.kit.money import (
    format_money,
    minor_digits,
    percent_of,
    tax_included_in,
)


def test_minor_digits() -> None:
    assert minor_digits("PLN") == 2
    assert minor_digits("jpy") == 0
    assert minor_digits("XTR") == 0


def test_percent_rounds_half_up_once() -> None:
    assert percent_of(1999, 5000) == 1000  # 999.5 → 1000
    assert percent_of(1, 5000) == 1  # 0.5 → 1
    assert percent_of(1000, 2300) == 230


def test_tax_share_of_a_gross_price() -> None:
    assert tax_included_in(12300, 2300) == 2300
    assert tax_included_in(100, 800) == 7  # 7.407… → 7


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_percent_never_exceeds_the_amount(amount: int, bp: int) -> None:
    assert 0 <= percent_of(amount, bp) <= amount


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_included_tax_is_within_the_gross(amount: int, bp: int) -> None:
    assert 0 <= tax_included_in(amount, bp) <= amount


def test_formatting_follows_the_locale() -> None:
    assert format_money(1234500, "PLN", "pl").replace("\xa0", " ") == "12 345,00 zł"
    assert format_money(1234500, "USD", "en") == "$12,345.00"
    assert format_money(50, "XTR") == "50 XTR"
