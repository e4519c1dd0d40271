"""Proration of an upgrade, pure arithmetic on minor units and time.

The customer keeps their period end and pays the difference for the time that remains:
- credit = what they paid for one period of the current plan × remaining / that period's length;
- cost   = the new plan's price × remaining / the new plan's period length;
- charge = cost − credit, never below zero.
Credit and cost are each rounded half up to a minor unit (`kit.money.round_half_up`), so the
three amounts shown to the customer always add up. The order that collects the charge has one
line of the new plan: `quantity` whole periods of it (one, unless more than one new period is
left) at its list price, less a discount of `line_amount − charge`; the charge is therefore
never above the new price for the remaining time, and never above the new price when at most
one period of the new plan remains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shopkeeper.kit.money import round_half_up


@dataclass(frozen=True)
class Proration:
    credit: int
    cost: int
    charge: int
    new_price: int
    quantity: int  # whole periods of the new plan on the order line

    @property
    def line_amount(self) -> int:
        return self.new_price * self.quantity

    @property
    def discount(self) -> int:
        """What comes off the line so that it totals the charge."""
        return self.line_amount - self.charge


def fraction(remaining: timedelta, period: timedelta) -> Decimal:
    """`remaining` as a share of `period` (0 once nothing remains)."""
    if period <= timedelta(0):
        raise ValueError("a period must be longer than zero")
    seconds = max(Decimal(0), Decimal(remaining.total_seconds()))
    return seconds / Decimal(period.total_seconds())


def prorate(
    *,
    paid_per_period: int,
    current_period: timedelta,
    new_price: int,
    new_period: timedelta,
    remaining: timedelta,
) -> Proration:
    """The upgrade's amounts (see the module docstring); prices in minor units, never negative."""
    if paid_per_period < 0 or new_price < 0:
        raise ValueError("prices must not be negative")
    credit = round_half_up(Decimal(paid_per_period) * fraction(remaining, current_period))
    new_share = fraction(remaining, new_period)
    cost = round_half_up(Decimal(new_price) * new_share)
    charge = max(0, cost - credit)
    quantity = max(1, math.ceil(new_share))
    return Proration(credit=credit, cost=cost, charge=charge, new_price=new_price,
                     quantity=quantity)  # fmt: skip


def per_day(price: int, period: timedelta) -> Decimal:
    """A plan's price per day: what "more expensive" means when comparing plans."""
    return Decimal(price) * Decimal(86_400) / Decimal(period.total_seconds())
