"""What one promotion gives on the units it sees, kind by kind (see engine.py for the rules).

`left[i]` holds what is left of each unit of cart line `i` (its price after the discounts
applied before); `seen` lists the lines the promotion may use, in line id order. A result
maps a line to its discount per unit, each share between 0 and what is left of that unit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from shopkeeper.kit.money import percent_of
from shopkeeper.promotions.allocation import allocate
from shopkeeper.promotions.rules.params import (
    AmountOff,
    BuyNGetM,
    CartThreshold,
    Gift,
    PercentOff,
    SecondItem,
    Within,
)
from shopkeeper.promotions.rules.types import AppliedCode, CartLine, GiftLine, PromotionRule

Units = list[list[int]]
Shares = dict[int, list[int]]


@dataclass
class Outcome:
    shares: Shares = field(default_factory=dict)
    gift: GiftLine | None = None

    @property
    def discount(self) -> int:
        return sum(sum(units) for units in self.shares.values())


@dataclass(frozen=True)
class Shortfall:
    """How far the cart is from a promotion it does not qualify for yet."""

    items: int | None = None
    amount: int | None = None


def percent_lines(left: Units, seen: Sequence[int], bp: int) -> Shares:
    """`bp` of what is left of each line, rounded half up per line, spread over its units."""
    return {i: allocate(percent_of(sum(left[i]), bp), left[i]) for i in seen}


def spread(left: Units, seen: Sequence[int], amount: int) -> Shares:
    """`amount` (at most what is left) over the lines by value, then over their units."""
    totals = [sum(left[i]) for i in seen]
    per_line = allocate(min(amount, sum(totals)), totals)
    return {i: allocate(share, left[i]) for i, share in zip(seen, per_line, strict=True)}


def _group_key(line: CartLine, within: Within) -> uuid.UUID | None:
    if within is Within.SKU:
        return line.variant_id
    return line.product_id if within is Within.PRODUCT else None


def _groups(
    lines: Sequence[CartLine], left: Units, seen: Sequence[int], within: Within
) -> list[list[tuple[int, str, int, int]]]:
    """Units by group, cheapest first: (what is left, line id, line, unit) — a total order."""
    groups: dict[uuid.UUID | None, list[tuple[int, str, int, int]]] = {}
    for i in seen:
        units = groups.setdefault(_group_key(lines[i], within), [])
        units.extend((amount, lines[i].line_id, i, k) for k, amount in enumerate(left[i]))
    return [sorted(units) for units in groups.values()]


def cheapest(
    lines: Sequence[CartLine],
    left: Units,
    seen: Sequence[int],
    *,
    size: int,
    discounted: int,
    bp: int,
    within: Within,
) -> Shares:
    """In each group, the floor(n / size) × `discounted` cheapest units get `bp` off."""
    shares = {i: [0] * len(left[i]) for i in seen}
    for units in _groups(lines, left, seen, within):
        for amount, _line_id, i, k in units[: len(units) // size * discounted]:
            shares[i][k] = percent_of(amount, bp)
    return shares


def _threshold(rule: CartThreshold, currency: str, left: Units, seen: Sequence[int]) -> Shares:
    minimum = rule.minimum.get(currency)
    if minimum is None or sum(sum(left[i]) for i in seen) < minimum:
        return {}
    if rule.percent_bp is not None:
        return percent_lines(left, seen, rule.percent_bp)
    amount = (rule.amount_off or {}).get(currency)
    return {} if amount is None else spread(left, seen, amount)


def _gift_due(rule: Gift, currency: str, left: Units, seen: Sequence[int]) -> bool:
    if rule.minimum and currency not in rule.minimum:
        return False  # a gift with minimums is offered only in the currencies that have one
    units = sum(len(left[i]) for i in seen)
    value = sum(sum(left[i]) for i in seen)
    return bool(seen) and units >= rule.min_items and value >= rule.minimum.get(currency, 0)


def outcome(
    rule: PromotionRule, currency: str, lines: Sequence[CartLine], left: Units, seen: list[int]
) -> Outcome:
    """What `rule` gives on `seen`, before its cap."""
    p = rule.params
    if not seen:
        return Outcome()
    if isinstance(p, PercentOff):
        return Outcome(percent_lines(left, seen, p.percent_bp))
    if isinstance(p, AmountOff):
        amount = p.amount_off.get(currency)
        if amount is None:
            return Outcome()
        if p.per_item:
            return Outcome({i: [min(amount, unit) for unit in left[i]] for i in seen})
        return Outcome(spread(left, seen, amount))
    if isinstance(p, SecondItem | BuyNGetM):
        size, free = (2, 1) if isinstance(p, SecondItem) else (p.buy + p.get, p.get)
        return Outcome(
            cheapest(
                lines, left, seen, size=size, discounted=free, bp=p.percent_bp, within=p.within
            )
        )
    if isinstance(p, CartThreshold):
        return Outcome(_threshold(p, currency, left, seen))
    if _gift_due(p, currency, left, seen):
        gift = GiftLine(
            promotion_id=rule.id, product_id=p.product_id, variant_id=p.variant_id,
            quantity=p.quantity,
        )  # fmt: skip
        return Outcome(gift=gift)
    return Outcome()


def code_outcome(code: AppliedCode, left: Units, seen: list[int]) -> Outcome:
    if code.percent_bp is not None:
        return Outcome(percent_lines(left, seen, code.percent_bp))
    return Outcome(spread(left, seen, code.amount_off or 0))


def capped(shares: Shares, cap: int | None) -> Shares:
    """At most `cap` in all, spread over the raw shares (largest remainder): each unit's share
    only shrinks."""
    flat = [share for i in sorted(shares) for share in shares[i]]
    if cap is None or sum(flat) <= cap:
        return shares
    spread_cap = iter(allocate(cap, flat))
    return {i: [next(spread_cap) for _ in shares[i]] for i in sorted(shares)}


def shortfall(
    rule: PromotionRule, currency: str, lines: Sequence[CartLine], full: Units, seen: list[int]
) -> Shortfall:
    """What the cart (at full prices) lacks for `rule`; empty when nothing helps."""
    p = rule.params
    if not seen:
        return Shortfall()
    if isinstance(p, SecondItem | BuyNGetM):
        size = 2 if isinstance(p, SecondItem) else p.buy + p.get
        best = max(len(units) for units in _groups(lines, full, seen, p.within))
        return Shortfall(items=size - best) if best < size else Shortfall()
    value = sum(sum(full[i]) for i in seen)
    if isinstance(p, CartThreshold):
        minimum = p.minimum.get(currency)
        if minimum is None or value >= minimum:
            return Shortfall()
        return Shortfall(amount=minimum - value)
    if isinstance(p, Gift) and (not p.minimum or currency in p.minimum):
        units = sum(len(full[i]) for i in seen)
        items, amount = p.min_items - units, p.minimum.get(currency, 0) - value
        return Shortfall(items=items if items > 0 else None, amount=amount if amount > 0 else None)
    return Shortfall()
