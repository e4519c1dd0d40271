"""Order arithmetic: discount shares sum exactly, tax per line, totals never negative."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.orders.pricing import order_totals, price_line
from shopkeeper.promotions.allocation import allocate, fixed_shares, percent_shares

amounts = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30)


@given(weights=amounts, data=st.data())
def test_allocation_sums_exactly_and_stays_within_each_line(weights: list[int], data) -> None:
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    shares = allocate(total, weights)
    assert sum(shares) == total
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


@given(weights=amounts, data=st.data())
def test_allocation_is_proportional_to_within_one_minor_unit(weights: list[int], data) -> None:
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    whole = sum(weights) or 1
    for share, weight in zip(allocate(total, weights), weights, strict=True):
        assert abs(share * whole - total * weight) < whole


def test_largest_remainders_get_the_left_over_units_earliest_first_on_ties() -> None:
    assert allocate(100, [100, 100, 100]) == [34, 33, 33]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(10, [3, 3, 4]) == [3, 3, 4]
    assert allocate(5, [0, 10, 0]) == [0, 5, 0]
    assert allocate(0, [0, 0]) == [0, 0]


def test_allocation_refuses_more_than_there_is() -> None:
    with pytest.raises(ValueError):
        allocate(11, [5, 5])


@given(
    lines=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**7),  # unit amount
            st.integers(min_value=1, max_value=50),  # quantity
            st.integers(min_value=0, max_value=10_000),  # tax rate bp
            st.booleans(),  # eligible for the code
        ),
        min_size=1,
        max_size=20,
    ),
    percent=st.one_of(st.none(), st.integers(min_value=1, max_value=10_000)),
    fixed=st.integers(min_value=1, max_value=10**9),
    included=st.booleans(),
    shipping=st.integers(min_value=0, max_value=10**6),
)
def test_order_totals_add_up_and_are_never_negative(
    lines: list[tuple[int, int, int, bool]],
    percent: int | None,
    fixed: int,
    included: bool,
    shipping: int,
) -> None:
    amounts_ = [unit * quantity for unit, quantity, _, _ in lines]
    eligible = [ok for *_, ok in lines]
    shares = (
        percent_shares(amounts_, eligible, percent)
        if percent is not None
        else fixed_shares(amounts_, eligible, fixed)
    )
    priced = [
        price_line(
            unit_amount=unit, quantity=quantity, discount=share, tax_rate_bp=rate,
            tax_included=included,
        )
        for (unit, quantity, rate, _), share in zip(lines, shares, strict=True)
    ]  # fmt: skip
    totals = order_totals(priced, shipping=shipping)
    eligible_subtotal = sum(a for a, ok in zip(amounts_, eligible, strict=True) if ok)
    assert totals.discount == sum(shares) <= eligible_subtotal
    assert all(p.total >= 0 and p.tax >= 0 for p in priced)
    excluded_tax = 0 if included else totals.tax
    assert totals.total == totals.subtotal - totals.discount + excluded_tax + shipping >= 0
    if included:
        assert all(p.tax <= p.total for p in priced)


def test_tax_on_the_discounted_amount_inclusive_and_exclusive() -> None:
    # 3 × 12.30 gross at 23 % with 5.00 off: the tax inside 31.90 is 5.97 (half up).
    gross = price_line(
        unit_amount=1230, quantity=3, discount=500, tax_rate_bp=2300, tax_included=True
    )
    assert (gross.amount, gross.discount, gross.tax, gross.total) == (3690, 500, 597, 3190)
    # The same as net prices: 23 % on top of 31.90 = 7.337 → 7.34.
    net = price_line(
        unit_amount=1230, quantity=3, discount=500, tax_rate_bp=2300, tax_included=False
    )
    assert (net.tax, net.total) == (734, 3924)
    totals = order_totals([gross, net], shipping=990)
    assert (totals.subtotal, totals.discount, totals.tax, totals.total) == (
        7380, 1000, 1331, 3190 + 3924 + 990,
    )  # fmt: skip
