"""Order arithmetic, pure: a line's tax and total after its discount share, the order's totals.

Per line: `amount = unit_amount × quantity`; its share of the order discount (computed by
promotions, see `shopkeeper.promotions.allocation`) comes off first; tax is then taken on what
remains, once per line, rounded half up (`shopkeeper.kit.money`):
- prices include tax: tax = the part of the discounted amount that is tax; total = discounted;
- prices exclude tax: tax = rate × discounted amount; total = discounted + tax.
Order: subtotal = Σ amount, discount = Σ shares, tax = Σ line tax,
total = Σ line totals + shipping (shipping is charged as given).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopkeeper.kit.money import percent_of, tax_included_in


@dataclass(frozen=True)
class LinePrice:
    amount: int
    discount: int
    tax: int
    total: int


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount: int
    tax: int
    shipping: int
    total: int


def price_line(
    *, unit_amount: int, quantity: int, discount: int, tax_rate_bp: int, tax_included: bool
) -> LinePrice:
    """One line's amounts; `discount` must be between 0 and the line's amount."""
    amount = unit_amount * quantity
    if not 0 <= discount <= amount:
        raise ValueError(f"a line discount must be within 0..{amount}, got {discount}")
    taxable = amount - discount
    if tax_included:
        tax = tax_included_in(taxable, tax_rate_bp)
        return LinePrice(amount=amount, discount=discount, tax=tax, total=taxable)
    tax = percent_of(taxable, tax_rate_bp)
    return LinePrice(amount=amount, discount=discount, tax=tax, total=taxable + tax)


def order_totals(lines: Sequence[LinePrice], *, shipping: int) -> Totals:
    return Totals(
        subtotal=sum(line.amount for line in lines),
        discount=sum(line.discount for line in lines),
        tax=sum(line.tax for line in lines),
        shipping=shipping,
        total=sum(line.total for line in lines) + shipping,
    )
