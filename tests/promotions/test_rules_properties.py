"""Properties of the promotions engine over random carts, rules and codes.

The oracles here are written apart from the engine: which lines a rule targets, the
cheapest units of a cart, sequential percentages, and the best option for the customer.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.kit.money import percent_of
from shopkeeper.promotions.rules import (
    AppliedCode,
    CartLine,
    PromotionRule,
    Source,
    evaluate,
)
from tests.promotions.rules_support import CATEGORIES, PRODUCTS, VARIANTS, line, per_line, rule

TYPES = ["offer", "offer", "offer", "accessory", "warranty", "service"]
PLN = st.integers(min_value=1, max_value=30_000)


@st.composite
def carts(draw: st.DrawFn, *, types: list[str] = TYPES, max_lines: int = 6) -> list[CartLine]:
    count = draw(st.integers(min_value=1, max_value=max_lines))
    ids = draw(st.permutations([f"line-{n}" for n in range(count)]))
    lines = []
    for line_id in ids:
        product = draw(st.integers(min_value=0, max_value=3))
        lines.append(
            line(
                line_id,
                draw(st.integers(min_value=0, max_value=50_000)),
                draw(st.integers(min_value=1, max_value=5)),
                product=product,
                variant=product * 2 + draw(st.integers(min_value=0, max_value=1)),
                categories=tuple(draw(st.sets(st.integers(min_value=0, max_value=3), max_size=2))),
                type=draw(st.sampled_from(types)),
            )
        )
    return lines


def _params(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    percent = st.integers(min_value=1, max_value=10_000)
    money = st.fixed_dictionaries({"PLN": PLN}) | st.just({"EUR": 500})
    within = st.sampled_from(["any", "product", "sku"])
    if kind == "percent_off":
        return {"percent_bp": draw(percent)}
    if kind == "amount_off":
        return {"amount_off": draw(money), "per_item": draw(st.booleans())}
    if kind == "second_item":
        return {"percent_bp": draw(percent), "within": draw(within)}
    if kind == "buy_n_get_m":
        size = st.integers(min_value=1, max_value=4)
        return {
            "buy": draw(size),
            "get": draw(size),
            "percent_bp": draw(percent),
            "within": draw(within),
        }
    if kind == "cart_threshold":
        discount = (
            {"percent_bp": draw(percent)} if draw(st.booleans()) else {"amount_off": draw(money)}
        )
        return {"minimum": {"PLN": draw(st.integers(min_value=1, max_value=100_000))}, **discount}
    return {
        "product_id": PRODUCTS[5],
        "variant_id": VARIANTS[10],
        "min_items": draw(st.integers(min_value=1, max_value=4)),
        "value": {"PLN": draw(st.integers(min_value=0, max_value=5_000))},
    }


@st.composite
def rules(
    draw: st.DrawFn,
    *,
    kinds: list[str] | None = None,
    max_rules: int = 5,
    exclusive: st.SearchStrategy[bool] = st.booleans(),
    stackable: st.SearchStrategy[bool] = st.booleans(),
) -> list[Any]:
    kinds = kinds or [
        "percent_off",
        "amount_off",
        "second_item",
        "buy_n_get_m",
        "cart_threshold",
        "gift",
    ]
    result = []
    for n in range(draw(st.integers(min_value=0, max_value=max_rules))):
        kind = draw(st.sampled_from(kinds))
        targets = draw(
            st.just({})
            | st.fixed_dictionaries({"product_ids": st.lists(st.sampled_from(PRODUCTS[:4]))})
            | st.fixed_dictionaries({"category_ids": st.lists(st.sampled_from(CATEGORIES))})
            | st.fixed_dictionaries({"line_types": st.sets(st.sampled_from(TYPES), min_size=1)})
        )
        cap = draw(st.just({}) | st.fixed_dictionaries({"PLN": PLN}))
        result.append(
            rule(
                kind,
                n + 1,
                params=_params(draw, kind),
                targets={k: sorted(v) if k == "line_types" else v for k, v in targets.items()},
                priority=draw(st.integers(min_value=-2, max_value=2)),
                exclusive=draw(exclusive),
                stackable=draw(stackable),
                max_discount=cap,
            )
        )
    return result


codes = st.lists(
    st.builds(
        lambda n, pct, amount, products: AppliedCode(
            promo_code_id=uuid.UUID(int=0xD000 + n),
            code=f"CODE{n}",
            percent_bp=pct if amount is None else None,
            amount_off=amount,
            product_ids=frozenset(products),
        ),
        st.integers(min_value=0, max_value=50),
        st.integers(min_value=1, max_value=10_000),
        st.none() | PLN,
        st.sets(st.sampled_from(PRODUCTS[:4]), max_size=2),
    ),
    max_size=2,
    unique_by=lambda c: c.promo_code_id,
)


def targets(promotion: PromotionRule, cart_line: CartLine) -> bool:
    """The documented targeting, restated: type first, then product or category."""
    t = promotion.targets
    if cart_line.type not in t.line_types:
        return False
    if not t.product_ids and not t.category_ids:
        return True
    return cart_line.product_id in t.product_ids or bool(
        cart_line.category_ids & set(t.category_ids)
    )


def units(cart: list[CartLine]) -> list[int]:
    return sorted(u for cart_line in cart for u in [cart_line.unit_amount] * cart_line.quantity)


@given(cart=carts(), promotions=rules(), applied_codes=codes)
@settings(deadline=None)
def test_no_discount_exceeds_its_lines_and_no_total_goes_negative(
    cart: list[CartLine], promotions: list[PromotionRule], applied_codes: list[AppliedCode]
) -> None:
    result = evaluate(cart, currency="PLN", promotions=promotions, codes=applied_codes)
    amounts = {cart_line.line_id: cart_line.amount for cart_line in cart}
    assert all(0 <= d <= amounts[line_id] for line_id, d in per_line(result).items())
    assert (
        result.discount == sum(per_line(result).values()) == sum(a.discount for a in result.applied)
    )
    assert result.total == result.subtotal - result.discount >= 0
    rules_by_id = {p.id: p for p in promotions}
    for applied in result.applied:
        assert applied.discount == sum(d.amount for d in applied.lines)
        if applied.source is Source.PROMOTION:
            promotion = rules_by_id[applied.id]
            seen = {c.line_id for c in cart if targets(promotion, c)}
            assert {d.line_id for d in applied.lines} <= seen
            assert applied.discount <= sum(amounts[line_id] for line_id in seen)
            assert applied.discount <= promotion.max_discount.get("PLN", applied.discount)


@given(cart=carts(), promotions=rules(), applied_codes=codes, data=st.data())
@settings(deadline=None)
def test_the_result_does_not_depend_on_the_order_of_lines_rules_or_codes(
    cart: list[CartLine],
    promotions: list[PromotionRule],
    applied_codes: list[AppliedCode],
    data: st.DataObject,
) -> None:
    shuffled = evaluate(
        data.draw(st.permutations(cart)),
        currency="PLN",
        promotions=data.draw(st.permutations(promotions)),
        codes=data.draw(st.permutations(applied_codes)),
    )
    assert shuffled == evaluate(cart, currency="PLN", promotions=promotions, codes=applied_codes)


@given(cart=carts(types=["offer"]))
def test_second_item_half_price_gives_floor_n_over_2_discounts_on_the_cheapest(
    cart: list[CartLine],
) -> None:
    result = evaluate(cart, currency="PLN", promotions=[rule("second_item", params={})])
    cheap = units(cart)[: len(units(cart)) // 2]
    assert result.discount == sum(percent_of(u, 5000) for u in cheap)


@given(cart=carts(types=["offer"]))
def test_second_item_within_a_sku_pairs_equal_skus_only(cart: list[CartLine]) -> None:
    promo = rule("second_item", params={"within": "sku", "percent_bp": 10_000})
    result = evaluate(cart, currency="PLN", promotions=[promo])
    expected = 0
    for variant in {c.variant_id for c in cart}:
        same = units([c for c in cart if c.variant_id == variant])
        expected += sum(same[: len(same) // 2])
    assert result.discount == expected


@given(
    cart=carts(types=["offer", "accessory"], max_lines=8),
    buy=st.integers(min_value=1, max_value=4),
    get=st.integers(min_value=1, max_value=3),
)
def test_buy_n_get_m_frees_the_cheapest_over_mixed_carts(
    cart: list[CartLine], buy: int, get: int
) -> None:
    promo = rule("buy_n_get_m", params={"buy": buy, "get": get})
    result = evaluate(cart, currency="PLN", promotions=[promo])
    everything = units(cart)
    assert result.discount == sum(everything[: len(everything) // (buy + get) * get])
    if buy == 3 and get == 1:
        assert result.discount == sum(everything[: len(everything) // 4])


@given(
    cart=carts(),
    promotions=rules(
        kinds=["percent_off", "amount_off", "second_item", "buy_n_get_m", "cart_threshold"]
    ),
    applied_codes=codes,
)
@settings(deadline=None)
def test_exclusivity_gives_the_customer_the_better_option(
    cart: list[CartLine], promotions: list[PromotionRule], applied_codes: list[AppliedCode]
) -> None:
    result = evaluate(cart, currency="PLN", promotions=promotions, codes=applied_codes)
    stack = evaluate(
        cart,
        currency="PLN",
        promotions=[p for p in promotions if not p.exclusive],
        codes=applied_codes,
    )
    alone = {
        p.id: evaluate(
            cart, currency="PLN", promotions=[p.model_copy(update={"exclusive": False})]
        ).discount
        for p in promotions
        if p.exclusive
    }
    assert result.discount == max([stack.discount, *alone.values()])
    if result.exclusive_id is None:
        assert (result.applied, result.lines) == (stack.applied, stack.lines)
    else:
        assert alone[result.exclusive_id] > stack.discount
        assert [a.id for a in result.applied] == [result.exclusive_id]


@given(
    cart=carts(),
    promotions=rules(exclusive=st.just(False), stackable=st.sampled_from([False, False, True])),
    applied_codes=codes,
)
@settings(deadline=None)
def test_no_line_gets_two_non_stackable_promotions(
    cart: list[CartLine], promotions: list[PromotionRule], applied_codes: list[AppliedCode]
) -> None:
    """...and a non-stackable promotion that applies claims every line it targets, so no
    non-stackable promotion applied after it discounts any of them."""
    result = evaluate(cart, currency="PLN", promotions=promotions, codes=applied_codes)
    rules_by_id = {p.id: p for p in promotions if not p.stackable}
    applied = [a for a in result.applied if a.id in rules_by_id]  # in the order they applied
    for cart_line in cart:
        givers = [a.id for a in applied if any(d.line_id == cart_line.line_id for d in a.lines)]
        assert len(givers) <= 1
        if givers:
            before = applied[: [a.id for a in applied].index(givers[0])]
            assert not any(targets(rules_by_id[a.id], cart_line) for a in before)


@given(
    cart=carts(),
    first=st.integers(min_value=1, max_value=10_000),
    second=st.integers(min_value=1, max_value=10_000),
)
def test_stacked_percentages_apply_one_after_the_other_in_priority_order(
    cart: list[CartLine], first: int, second: int
) -> None:
    high = rule("percent_off", 2, params={"percent_bp": first}, priority=1, stackable=True)
    low = rule("percent_off", 1, params={"percent_bp": second}, stackable=True)
    result = evaluate(cart, currency="PLN", promotions=[low, high])
    expected = {}
    for c in cart:
        if c.type in ("offer", "accessory"):
            taken = percent_of(c.amount, first)
            expected[c.line_id] = taken + percent_of(c.amount - taken, second)
        else:
            expected[c.line_id] = 0
    assert per_line(result) == expected


@given(cart=carts(), cap=PLN, percent=st.integers(min_value=1, max_value=10_000))
def test_a_cap_is_never_exceeded_and_only_bites_when_reached(
    cart: list[CartLine], cap: int, percent: int
) -> None:
    promo = rule("percent_off", params={"percent_bp": percent}, max_discount={"PLN": cap})
    uncapped = evaluate(
        cart, currency="PLN", promotions=[promo.model_copy(update={"max_discount": {}})]
    )
    capped = evaluate(cart, currency="PLN", promotions=[promo])
    assert capped.discount == min(cap, uncapped.discount)
    uncapped_lines = per_line(uncapped)
    assert all(d <= uncapped_lines[line_id] for line_id, d in per_line(capped).items())
