"""Proration arithmetic: exact amounts, and the money invariants over any inputs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.subscriptions.proration import per_day, prorate

MONTH = timedelta(days=31)


def test_the_difference_for_the_remaining_days_rounded_half_up() -> None:
    found = prorate(paid_per_period=1000, current_period=MONTH, new_price=3000, new_period=MONTH,
                    remaining=timedelta(days=21))  # fmt: skip
    assert (found.credit, found.cost, found.charge) == (677, 2032, 1355)
    assert (found.quantity, found.line_amount, found.discount) == (1, 3000, 1645)


def test_nothing_left_costs_nothing_and_a_cheaper_plan_never_refunds() -> None:
    over = prorate(paid_per_period=1000, current_period=MONTH, new_price=3000, new_period=MONTH,
                   remaining=timedelta(seconds=-5))  # fmt: skip
    assert (over.credit, over.cost, over.charge, over.discount) == (0, 0, 0, 3000)
    cheaper = prorate(paid_per_period=3000, current_period=MONTH, new_price=1000,
                      new_period=MONTH, remaining=timedelta(days=10))  # fmt: skip
    assert cheaper.charge == 0 and cheaper.credit > cheaper.cost


def test_a_longer_remainder_than_one_new_period_takes_whole_periods_on_the_line() -> None:
    # a yearly plan (100.00) with 300 days left moved to a monthly one (20.00 per 30 days)
    found = prorate(paid_per_period=10_000, current_period=timedelta(days=365), new_price=2000,
                    new_period=timedelta(days=30), remaining=timedelta(days=300))  # fmt: skip
    assert (found.cost, found.credit, found.charge) == (20_000, 8219, 11_781)
    assert (found.quantity, found.line_amount, found.discount) == (10, 20_000, 8219)


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        prorate(paid_per_period=-1, current_period=MONTH, new_price=1, new_period=MONTH,
                remaining=MONTH)  # fmt: skip
    with pytest.raises(ValueError):
        prorate(paid_per_period=1, current_period=timedelta(0), new_price=1, new_period=MONTH,
                remaining=MONTH)  # fmt: skip
    assert per_day(3100, MONTH) == 100


amounts = st.integers(min_value=0, max_value=10_000_000)
periods = st.integers(min_value=3600, max_value=400 * 86_400).map(lambda s: timedelta(seconds=s))


@given(paid=amounts, new_price=amounts, current=periods, new=periods, share=st.floats(0, 1))
def test_within_one_period_the_charge_is_never_negative_nor_above_the_new_price(
    paid: int, new_price: int, current: timedelta, new: timedelta, share: float
) -> None:
    remaining = min(current, new) * share
    found = prorate(paid_per_period=paid, current_period=current, new_price=new_price,
                    new_period=new, remaining=remaining)  # fmt: skip
    assert 0 <= found.charge <= new_price
    assert found.quantity == 1 and 0 <= found.discount <= found.line_amount
    assert found.charge == max(0, found.cost - found.credit)


@given(
    paid=amounts,
    new_price=amounts,
    current=periods,
    new=periods,
    remaining=st.integers(-86_400, 3 * 400 * 86_400).map(lambda s: timedelta(seconds=s)),
)
def test_any_remainder_gives_an_order_line_that_totals_the_charge(
    paid: int, new_price: int, current: timedelta, new: timedelta, remaining: timedelta
) -> None:  # fmt: skip
    found = prorate(paid_per_period=paid, current_period=current, new_price=new_price,
                    new_period=new, remaining=remaining)  # fmt: skip
    assert 0 <= found.charge <= found.cost <= found.line_amount
    assert found.line_amount - found.discount == found.charge and found.discount >= 0
    assert found.quantity >= 1
