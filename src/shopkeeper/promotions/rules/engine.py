"""The cart promotions engine: pure (no I/O), deterministic, integer minor units.

`evaluate(lines, currency=, promotions=, codes=)` never changes the cart; it says what each
promotion and code takes off which line, which gift lines to add, what lost and why, and
what the cart qualifies for or is short of.

Lines a promotion sees: those whose type is in its `line_types` (offer and accessory unless
it names warranty or service: those lines are discounted only when a rule targets them) and,
if it names products or categories, whose product is named or has a named category among
its categories (ancestors included; the caller resolves them). Lines are taken in line id
order and units ranked by (price, line id), so the input order never changes the result.

Kinds. percent_off: `percent_bp` of each line. amount_off: the amount spread over the lines
by value, or (`per_item`) off each unit. second_item: of n units, the floor(n/2) cheapest
get `percent_bp` off — pairs form the dearest with the cheapest, so in each pair the
cheaper unit is discounted; `within` = "any" (default: pairs form across any SKUs the
promotion targets, as shops run "second item −50 %" over a range), "product" (across the
variants of one product) or "sku" (equal SKUs only); each group is paired on its own.
buy_n_get_m: of n units, the floor(n/(N+M))×M cheapest get `percent_bp` off (free by
default), grouped the same way. cart_threshold: when the lines it sees are worth at least
`minimum`, `percent_bp` of each or `amount_off` spread over them. gift: when it sees at
least `min_items` units worth at least `minimum`, one gift line (its variant at 0, times
`quantity`) for the cart to add; it discounts nothing. A promotion with no amount (or, with
minimums, no minimum) in the cart's currency does not apply in that currency.

Stacking, exactly as implemented. Two kinds of option are built and the customer gets the
better one:
1. The stack: every non-exclusive promotion in priority order (higher first; equal
   priorities by id), then the applied promo codes (by code). Each works on what the ones
   before it left of each unit: percentages apply to the reduced prices, minimums and
   "cheapest" are judged on them. A stackable promotion combines with everything. A
   non-stackable one skips every line an earlier non-stackable promotion has claimed, and
   when it gives anything it claims every line it saw. Promo codes combine with every
   non-exclusive promotion; a code takes at most what is left of a line.
2. Each exclusive promotion alone, on full prices, with no other promotion and no code.
The better option gives the greater benefit (discounts plus each gift's declared `value`
times its quantity), then more gift units; on a tie the stack wins, then the exclusive with
the higher priority (then id). Whatever eligible promotion or code is not in the winning
option is reported as lost with its reason (see `LossReason`).

Caps and rounding. A promotion's `max_discount` in the cart's currency caps its total; the
capped amount is spread over its raw per-unit shares by largest remainder, so no share
grows. A percentage is rounded half up once per line (or per unit for the per-unit kinds)
and spread over the line's units by largest remainder (ties: the earlier unit); fixed
amounts are spread by largest remainder (ties: the earlier line). No unit, hence no line,
ever goes below 0, and every discount is whole minor units.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shopkeeper.promotions.rules.errors import CartNotEvaluable
from shopkeeper.promotions.rules.kinds import Outcome, Units, capped, code_outcome, outcome
from shopkeeper.promotions.rules.params import Gift
from shopkeeper.promotions.rules.types import (
    DEFAULT_LINE_TYPES,
    MAX_UNITS,
    AppliedCode,
    AppliedPromotion,
    CartLine,
    Evaluation,
    GiftLine,
    LineDiscount,
    LossReason,
    LostPromotion,
    PromotionRule,
    Source,
)
from shopkeeper.promotions.rules.views import available


@dataclass
class _Entry:
    """One promotion or code as it applies in an option."""

    source: Source
    id: uuid.UUID
    name: str
    kind: str
    result: Outcome
    gift_value: int = 0

    @property
    def benefit(self) -> int:
        return self.result.discount + self.gift_value


@dataclass
class _Option:
    entries: list[_Entry]
    lost: dict[uuid.UUID, LostPromotion] = field(default_factory=dict)
    exclusive: PromotionRule | None = None

    def rank(self) -> tuple[int, int]:
        gifts = sum(e.result.gift.quantity for e in self.entries if e.result.gift is not None)
        return sum(e.benefit for e in self.entries), gifts


@dataclass
class _Cart:
    currency: str
    lines: list[CartLine]
    full: Units
    seen: dict[uuid.UUID, list[int]]
    alone: dict[uuid.UUID, _Entry | None]


def evaluate(
    lines: Sequence[CartLine],
    *,
    currency: str,
    promotions: Iterable[PromotionRule],
    codes: Iterable[AppliedCode] = (),
) -> Evaluation:
    """Apply `promotions` and `codes` to `lines` (see the module docstring for the rules)."""
    cart_lines = _canonical(lines)
    rules = sorted(promotions, key=lambda r: (-r.priority, str(r.id)))
    applied_codes = sorted(codes, key=lambda c: (c.code, str(c.promo_code_id)))
    if len({r.id for r in rules}) != len(rules):
        raise CartNotEvaluable("the same promotion was given twice")
    if len({c.promo_code_id for c in applied_codes}) != len(applied_codes):
        raise CartNotEvaluable("the same promo code was given twice")
    full = [[line.unit_amount] * line.quantity for line in cart_lines]
    cart = _Cart(currency.strip().upper(), cart_lines, full, {}, {})
    for rule in rules:
        match = rule.targets.matcher()
        cart.seen[rule.id] = [i for i, line in enumerate(cart_lines) if match(line)]
    for code in applied_codes:
        cart.seen[code.promo_code_id] = _code_lines(code, cart_lines)
    for rule in rules:
        cart.alone[rule.id] = _rule_entry(rule, cart, full, cart.seen[rule.id])
    for code in applied_codes:
        cart.alone[code.promo_code_id] = _code_entry(code, full, cart.seen[code.promo_code_id])
    stack = _stack(rules, applied_codes, cart)
    options = [stack] + [
        _Option([entry], exclusive=rule)
        for rule in rules
        if rule.exclusive and (entry := cart.alone[rule.id]) is not None
    ]
    winner = max(options, key=_Option.rank)  # the first of equals: the stack, then priority
    return _evaluation(cart, rules, applied_codes, stack, winner)


def _canonical(lines: Sequence[CartLine]) -> list[CartLine]:
    ordered = sorted(lines, key=lambda line: line.line_id)
    if len({line.line_id for line in ordered}) != len(ordered):
        raise CartNotEvaluable("two cart lines have the same line id")
    if sum(line.quantity for line in ordered) > MAX_UNITS:
        raise CartNotEvaluable(f"promotions are evaluated for at most {MAX_UNITS} items")
    return ordered


def _code_lines(code: AppliedCode, lines: Sequence[CartLine]) -> list[int]:
    return [
        i
        for i, line in enumerate(lines)
        if line.type in DEFAULT_LINE_TYPES
        and (not code.product_ids or line.product_id in code.product_ids)
    ]


def _rule_entry(rule: PromotionRule, cart: _Cart, left: Units, seen: list[int]) -> _Entry | None:
    """What `rule` gives on `seen` given what is `left`, capped; None when it gives nothing."""
    result = outcome(rule, cart.currency, cart.lines, left, seen)
    result.shares = capped(result.shares, rule.max_discount.get(cart.currency))
    if result.discount == 0 and result.gift is None:
        return None
    gift_value = 0
    if result.gift is not None and isinstance(rule.params, Gift):
        gift_value = rule.params.value.get(cart.currency, 0) * result.gift.quantity
    return _Entry(Source.PROMOTION, rule.id, rule.name, rule.kind.value, result, gift_value)


def _code_entry(code: AppliedCode, left: Units, seen: list[int]) -> _Entry | None:
    result = code_outcome(code, left, seen)
    if result.discount == 0:
        return None
    return _Entry(Source.CODE, code.promo_code_id, code.code, "code", result)


def _take(left: Units, entry: _Entry, touched: dict[int, list[uuid.UUID]]) -> None:
    for i, shares in entry.result.shares.items():
        left[i] = [unit - share for unit, share in zip(left[i], shares, strict=True)]
        if any(shares):
            touched.setdefault(i, []).append(entry.id)


def _stack(rules: list[PromotionRule], codes: list[AppliedCode], cart: _Cart) -> _Option:
    left = [list(units) for units in cart.full]
    claimed: dict[int, uuid.UUID] = {}  # line → the non-stackable promotion that has it
    touched: dict[int, list[uuid.UUID]] = {}  # line → what discounted it so far
    option = _Option([])
    for rule in (r for r in rules if not r.exclusive):
        seen = cart.seen[rule.id]
        free = seen if rule.stackable else [i for i in seen if i not in claimed]
        entry = _rule_entry(rule, cart, left, free)
        if entry is not None:
            _take(left, entry, touched)
            option.entries.append(entry)
            if not rule.stackable:
                claimed.update(dict.fromkeys(free, rule.id))
        elif (alone := cart.alone[rule.id]) is not None:
            holders = [claimed[i] for i in seen if i in claimed and not rule.stackable]
            reason = LossReason.NOT_STACKABLE if holders else LossReason.NOTHING_LEFT
            by = holders or [p for i in seen for p in touched.get(i, [])]
            option.lost[rule.id] = _lost(alone, reason, by)
    for code in codes:
        seen = cart.seen[code.promo_code_id]
        entry = _code_entry(code, left, seen)
        if entry is not None:
            _take(left, entry, touched)
            option.entries.append(entry)
            continue
        if (alone := cart.alone[code.promo_code_id]) is not None:
            by = [p for i in seen for p in touched.get(i, [])]
            option.lost[code.promo_code_id] = _lost(alone, LossReason.NOTHING_LEFT, by)
        else:
            option.lost[code.promo_code_id] = LostPromotion(
                source=Source.CODE, id=code.promo_code_id, name=code.code, kind="code",
                reason=LossReason.NOT_APPLICABLE, by=[], alone=0,
            )  # fmt: skip
    return option


def _lost(alone: _Entry, reason: LossReason, by: Iterable[uuid.UUID]) -> LostPromotion:
    return LostPromotion(
        source=alone.source, id=alone.id, name=alone.name, kind=alone.kind, reason=reason,
        by=list(dict.fromkeys(by)), alone=alone.result.discount,
    )  # fmt: skip


def _losses(
    cart: _Cart, rules: list[PromotionRule], codes: list[AppliedCode], stack: _Option,
    winner: _Option,
) -> list[LostPromotion]:  # fmt: skip
    """Everything eligible that is not in the winning option, in the order it was considered."""
    won = [e.id for e in winner.entries]
    lost: list[LostPromotion] = []
    ids = [r.id for r in rules if not r.exclusive] + [c.promo_code_id for c in codes]
    for entry_id in ids:
        alone = cart.alone[entry_id]
        if winner.exclusive is None:
            if entry_id in stack.lost:
                lost.append(stack.lost[entry_id])
        elif alone is not None:
            lost.append(_lost(alone, LossReason.EXCLUSIVE_APPLIED, won))
        elif entry_id in stack.lost:  # a code with nothing to discount
            lost.append(stack.lost[entry_id])
    for rule in rules:
        alone = cart.alone[rule.id]
        if rule.exclusive and alone is not None and rule is not winner.exclusive:
            lost.append(_lost(alone, LossReason.BETTER_OPTION, won))
    return lost


def _evaluation(
    cart: _Cart, rules: list[PromotionRule], codes: list[AppliedCode], stack: _Option,
    winner: _Option,
) -> Evaluation:  # fmt: skip
    per_line = [0] * len(cart.lines)
    applied = []
    for entry in winner.entries:
        discounts = []
        for i in sorted(entry.result.shares):
            amount = sum(entry.result.shares[i])
            per_line[i] += amount
            if amount:
                discounts.append(LineDiscount(line_id=cart.lines[i].line_id, amount=amount))
        applied.append(
            AppliedPromotion(
                source=entry.source, id=entry.id, name=entry.name, kind=entry.kind,
                discount=entry.result.discount, lines=discounts, gift=entry.result.gift,
            )
        )  # fmt: skip
    assert all(d <= line.amount for d, line in zip(per_line, cart.lines, strict=True))
    subtotal, discount = sum(line.amount for line in cart.lines), sum(per_line)
    gifts: list[GiftLine] = [e.result.gift for e in winner.entries if e.result.gift is not None]
    won = {e.id for e in winner.entries}
    return Evaluation(
        currency=cart.currency, subtotal=subtotal, discount=discount, total=subtotal - discount,
        exclusive_id=winner.exclusive.id if winner.exclusive is not None else None,
        lines=[
            LineDiscount(line_id=line.line_id, amount=d)
            for line, d in zip(cart.lines, per_line, strict=True)
        ],
        applied=applied, lost=_losses(cart, rules, codes, stack, winner), gifts=gifts,
        available=available(
            rules, cart.currency, cart.lines, cart.full, cart.seen,
            eligible={r.id for r in rules if cart.alone[r.id] is not None}, applied=won,
        ),
    )  # fmt: skip
