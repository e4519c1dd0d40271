"""The promotions engine by example: each rule kind, targeting, caps, stacking, exclusivity."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from shopkeeper.promotions.rules import (
    AppliedCode,
    CartNotEvaluable,
    GiftLine,
    LossReason,
    PromotionRule,
    evaluate,
)
from tests.promotions.rules_support import (
    CATEGORIES,
    PRODUCTS,
    VARIANTS,
    by_id,
    line,
    per_line,
    rule,
)

CODE_ID = uuid.UUID(int=0xD001)


def _code(**terms: object) -> AppliedCode:
    return AppliedCode.model_validate({"promo_code_id": CODE_ID, "code": "SAVE", **terms})


def test_percent_off_a_product_rounds_half_up_per_line() -> None:
    cart = [line("a", 999), line("b", 500, product=1)]
    promo = rule("percent_off", params={"percent_bp": 1500}, targets={"product_ids": [PRODUCTS[0]]})
    result = evaluate(cart, currency="pln", promotions=[promo])
    assert per_line(result) == {"a": 150, "b": 0}  # 149.85 → 150
    assert (result.currency, result.subtotal, result.discount, result.total) == (
        "PLN",
        1499,
        150,
        1349,
    )


def test_a_category_target_matches_a_line_through_an_ancestor_category() -> None:
    cart = [line("a", 1000, categories=(0, 1)), line("b", 1000, product=1, categories=(2,))]
    promo = rule(
        "percent_off", params={"percent_bp": 1000}, targets={"category_ids": [CATEGORIES[1]]}
    )
    assert per_line(evaluate(cart, currency="PLN", promotions=[promo])) == {"a": 100, "b": 0}


def test_a_fixed_amount_is_spread_by_value_and_only_in_its_currencies() -> None:
    cart = [line("a", 3000), line("b", 1000, product=1)]
    promo = rule("amount_off", params={"amount_off": {"PLN": 1000}})
    assert per_line(evaluate(cart, currency="PLN", promotions=[promo])) == {"a": 750, "b": 250}
    in_euro = evaluate(cart, currency="EUR", promotions=[promo])
    assert (in_euro.discount, in_euro.applied, in_euro.available) == (0, [], [])


def test_a_fixed_amount_per_item_never_exceeds_an_item() -> None:
    cart = [line("a", 200, 2), line("b", 1000, product=1)]
    promo = rule("amount_off", params={"amount_off": {"PLN": 300}, "per_item": True})
    assert per_line(evaluate(cart, currency="PLN", promotions=[promo])) == {"a": 400, "b": 300}


def test_left_over_minor_units_go_to_the_earliest_line_id_whatever_the_input_order() -> None:
    promo = rule("amount_off", params={"amount_off": {"PLN": 100}})
    cart = [line("z", 100, product=2), line("x", 100), line("y", 100, product=1)]
    result = evaluate(cart, currency="PLN", promotions=[promo])
    assert per_line(result) == {"x": 34, "y": 33, "z": 33}
    assert [d.line_id for d in result.lines] == ["x", "y", "z"]


def test_second_item_half_price_discounts_the_cheaper_item_of_each_pair() -> None:
    promo = rule("second_item", params={})  # 50 %, pairs across the range
    four = [
        line("a", 100),
        line("b", 80, product=1),
        line("c", 60, product=2),
        line("d", 40, product=3),
    ]
    assert per_line(evaluate(four, currency="PLN", promotions=[promo])) == {
        "a": 0,
        "b": 0,
        "c": 30,
        "d": 20,
    }
    three = evaluate(four[:3], currency="PLN", promotions=[promo])
    assert per_line(three) == {"a": 0, "b": 0, "c": 30}  # the odd item pays in full


def test_second_item_pairs_within_a_sku_a_product_or_the_whole_range() -> None:
    cart = [
        line("a", 100, 3, product=0, variant=0),
        line("b", 80, 1, product=0, variant=1),
        line("c", 60, 1, product=1, variant=2),
    ]
    discounts = {
        within: evaluate(
            cart, currency="PLN", promotions=[rule("second_item", params={"within": within})]
        ).discount
        for within in ("sku", "product", "any")
    }
    # sku: one pair of a's; product: a,a,a,b → b and an a; any: the two cheapest, b and c.
    assert discounts == {"sku": 50, "product": 90, "any": 70}


def test_three_plus_one_makes_the_cheapest_of_each_four_free_over_a_mixed_cart() -> None:
    promo = rule("buy_n_get_m", params={"buy": 3, "get": 1})
    cart = [line("a", 500, 3), line("b", 300, 2, product=1), line("c", 100, 2, product=2)]
    assert per_line(evaluate(cart, currency="PLN", promotions=[promo])) == {
        "a": 0,
        "b": 0,
        "c": 100,
    }
    cart[2] = line("c", 100, 3, product=2)  # 8 items: two free
    assert evaluate(cart, currency="PLN", promotions=[promo]).discount == 200


def test_a_cart_short_of_a_promotion_is_told_what_is_missing() -> None:
    three_plus_one = rule("buy_n_get_m", 1, params={"buy": 3, "get": 1})
    pair = rule("second_item", 2, params={})
    result = evaluate([line("a", 500, 3)], currency="PLN", promotions=[three_plus_one, pair])
    offers = {a.promotion_id: a for a in result.available}
    assert offers[three_plus_one.id].eligible is False
    assert offers[three_plus_one.id].missing_items == 1  # add 1 more item for 3+1
    assert offers[pair.id].eligible and offers[pair.id].applied


def test_a_threshold_on_the_cart_value_applies_from_its_minimum() -> None:
    promo = rule(
        "cart_threshold", params={"minimum": {"PLN": 100_000}, "amount_off": {"PLN": 10_000}}
    )
    short = evaluate(
        [line("a", 60_000), line("b", 39_999, product=1)], currency="PLN", promotions=[promo]
    )
    assert short.discount == 0
    assert [(a.eligible, a.missing_amount) for a in short.available] == [(False, 1)]
    enough = evaluate(
        [line("a", 60_000), line("b", 40_000, product=1)], currency="PLN", promotions=[promo]
    )
    assert per_line(enough) == {"a": 6_000, "b": 4_000}


def test_a_percentage_above_a_threshold() -> None:
    promo = rule("cart_threshold", params={"minimum": {"PLN": 50_000}, "percent_bp": 500})
    result = evaluate(
        [line("a", 30_000), line("b", 20_001, product=1)], currency="PLN", promotions=[promo]
    )
    assert per_line(result) == {"a": 1_500, "b": 1_000}  # 1000.05 → 1000


def test_a_gift_is_reported_as_a_line_to_add_and_discounts_nothing() -> None:
    gift_params = {
        "product_id": PRODUCTS[5],
        "variant_id": VARIANTS[10],
        "quantity": 2,
        "min_items": 2,
        "minimum": {"PLN": 5_000},
    }
    promo = rule("gift", params=gift_params)
    short = evaluate([line("a", 3_000)], currency="PLN", promotions=[promo])
    assert short.gifts == [] and short.available[0].missing_items == 1
    assert short.available[0].missing_amount == 2_000
    one_dear = evaluate([line("a", 9_000)], currency="PLN", promotions=[promo])  # value enough
    assert one_dear.gifts == []
    assert (one_dear.available[0].missing_items, one_dear.available[0].missing_amount) == (1, None)
    due = evaluate([line("a", 3_000, 2)], currency="PLN", promotions=[promo])
    assert due.discount == 0
    assert due.gifts == [
        GiftLine(promotion_id=promo.id, product_id=PRODUCTS[5], variant_id=VARIANTS[10], quantity=2)
    ]
    assert due.applied[0].gift == due.gifts[0]
    # Minimums only in PLN: no gift, and no hint, in another currency.
    in_euro = evaluate([line("a", 3_000, 2)], currency="EUR", promotions=[promo])
    assert (in_euro.gifts, in_euro.available) == ([], [])


def test_services_and_warranties_are_discounted_only_when_a_rule_targets_them() -> None:
    cart = [
        line("a", 1_000),
        line("s", 300, product=1, type="service"),
        line("w", 200, product=2, type="warranty"),
    ]
    plain = rule("percent_off", params={"percent_bp": 1000})
    assert per_line(evaluate(cart, currency="PLN", promotions=[plain])) == {
        "a": 100,
        "s": 0,
        "w": 0,
    }
    with_warranty = rule(
        "percent_off", params={"percent_bp": 1000}, targets={"line_types": ["offer", "warranty"]}
    )
    assert per_line(evaluate(cart, currency="PLN", promotions=[with_warranty])) == {
        "a": 100,
        "s": 0,
        "w": 20,
    }


def test_a_cap_limits_a_promotion_in_its_currency_only() -> None:
    promo = rule("percent_off", params={"percent_bp": 5000}, max_discount={"PLN": 2000})
    cart = [line("a", 10_000), line("b", 5_000, product=1)]
    assert per_line(evaluate(cart, currency="PLN", promotions=[promo])) == {"a": 1333, "b": 667}
    assert evaluate(cart, currency="EUR", promotions=[promo]).discount == 7_500


def test_non_stackable_promotions_share_no_line_and_priority_decides() -> None:
    first = rule("percent_off", 1, params={"percent_bp": 1000}, priority=5)
    second = rule(
        "percent_off",
        2,
        params={"percent_bp": 5000},
        priority=1,
        targets={"product_ids": [PRODUCTS[0]]},
    )
    result = evaluate([line("a", 10_000)], currency="PLN", promotions=[second, first])
    assert by_id(result) == {first.id: 1_000}
    [lost] = result.lost
    assert (lost.id, lost.reason, lost.by, lost.alone) == (
        second.id,
        LossReason.NOT_STACKABLE,
        [first.id],
        5_000,
    )
    # On a line the first one does not see, the second applies.
    first_elsewhere = first.model_copy(
        update={"targets": first.targets.model_copy(update={"product_ids": [PRODUCTS[1]]})}
    )
    cart = [line("a", 10_000), line("b", 10_000, product=1)]
    both = evaluate(cart, currency="PLN", promotions=[second, first_elsewhere])
    assert per_line(both) == {"a": 5_000, "b": 1_000} and both.lost == []


def test_a_stackable_promotion_applies_to_what_earlier_ones_left() -> None:
    first = rule("percent_off", 1, params={"percent_bp": 1000}, priority=5)
    stacked = rule("percent_off", 2, params={"percent_bp": 2000}, stackable=True)
    result = evaluate([line("a", 10_000)], currency="PLN", promotions=[stacked, first])
    assert [a.id for a in result.applied] == [first.id, stacked.id]
    assert by_id(result) == {first.id: 1_000, stacked.id: 1_800}  # 20 % of 9,000


def test_a_threshold_is_judged_on_prices_after_earlier_discounts() -> None:
    sale = rule("percent_off", 1, params={"percent_bp": 1000}, priority=5, stackable=True)
    threshold = rule(
        "cart_threshold",
        2,
        stackable=True,
        params={"minimum": {"PLN": 100_000}, "amount_off": {"PLN": 10_000}},
    )
    result = evaluate([line("a", 100_000)], currency="PLN", promotions=[sale, threshold])
    assert by_id(result) == {sale.id: 10_000}
    [lost] = result.lost
    assert (lost.id, lost.reason, lost.by) == (threshold.id, LossReason.NOTHING_LEFT, [sale.id])


def test_the_better_of_an_exclusive_promotion_and_the_stack_wins() -> None:
    sale = rule("percent_off", 1, params={"percent_bp": 1000}, stackable=True)
    exclusive = rule("percent_off", 2, params={"percent_bp": 2500}, exclusive=True)
    code = _code(percent_bp=500)
    result = evaluate(
        [line("a", 10_000)], currency="PLN", promotions=[sale, exclusive], codes=[code]
    )
    assert (result.exclusive_id, by_id(result)) == (exclusive.id, {exclusive.id: 2_500})
    assert {(lost.id, lost.reason) for lost in result.lost} == {
        (sale.id, LossReason.EXCLUSIVE_APPLIED),
        (CODE_ID, LossReason.EXCLUSIVE_APPLIED),
    }
    # 3+1 plus the code on what is left beat 20 % alone: 1,000 + 10 % of 3,000 > 800.
    three_plus_one = rule("buy_n_get_m", 3, params={"buy": 3, "get": 1})
    weaker = rule("percent_off", 4, params={"percent_bp": 2000}, exclusive=True)
    stack_wins = evaluate(
        [line("a", 1_000, 4)],
        currency="PLN",
        promotions=[weaker, three_plus_one],
        codes=[_code(percent_bp=1000)],
    )
    assert stack_wins.exclusive_id is None
    assert by_id(stack_wins) == {three_plus_one.id: 1_000, CODE_ID: 300}
    [lost] = stack_wins.lost
    assert (lost.id, lost.reason, lost.by) == (
        weaker.id,
        LossReason.BETTER_OPTION,
        [three_plus_one.id, CODE_ID],
    )


def test_on_a_tie_the_stack_wins() -> None:
    sale = rule("percent_off", 1, params={"percent_bp": 1000})
    exclusive = rule("amount_off", 2, params={"amount_off": {"PLN": 1_000}}, exclusive=True)
    result = evaluate([line("a", 10_000)], currency="PLN", promotions=[exclusive, sale])
    assert result.exclusive_id is None and by_id(result) == {sale.id: 1_000}


def test_an_exclusive_gift_beats_an_empty_stack_and_a_declared_value_counts() -> None:
    gift = rule(
        "gift",
        1,
        exclusive=True,
        params={"product_id": PRODUCTS[5], "variant_id": VARIANTS[10], "value": {"PLN": 1_500}},
    )
    alone = evaluate([line("a", 10_000)], currency="PLN", promotions=[gift])
    assert alone.exclusive_id == gift.id and len(alone.gifts) == 1
    sale = rule("percent_off", 2, params={"percent_bp": 1000})  # 1,000 < the gift's 1,500
    versus = evaluate([line("a", 10_000)], currency="PLN", promotions=[gift, sale])
    assert versus.exclusive_id == gift.id and versus.discount == 0


def test_codes_come_last_and_take_at_most_what_is_left() -> None:
    everything = rule("percent_off", 1, params={"percent_bp": 10_000})
    code = _code(amount_off=500)
    result = evaluate([line("a", 1_000)], currency="PLN", promotions=[everything], codes=[code])
    assert by_id(result) == {everything.id: 1_000} and result.total == 0
    assert [(lost.id, lost.reason) for lost in result.lost] == [(CODE_ID, LossReason.NOTHING_LEFT)]
    elsewhere = _code(percent_bp=1000, product_ids=[PRODUCTS[4]])
    unused = evaluate([line("a", 1_000)], currency="PLN", promotions=[], codes=[elsewhere])
    assert [(lost.reason, lost.alone) for lost in unused.lost] == [(LossReason.NOT_APPLICABLE, 0)]


def test_bad_input_is_refused() -> None:
    with pytest.raises(CartNotEvaluable):
        evaluate([line("a", 100), line("a", 200, product=1)], currency="PLN", promotions=[])
    with pytest.raises(CartNotEvaluable):
        evaluate(
            [line(str(n), 1, 1000, product=n % 6) for n in range(11)], currency="PLN", promotions=[]
        )
    promo = rule("percent_off", params={"percent_bp": 1000})
    with pytest.raises(CartNotEvaluable):
        evaluate([line("a", 100)], currency="PLN", promotions=[promo, promo])
    with pytest.raises(CartNotEvaluable):
        evaluate([line("a", 100)], currency="PLN", promotions=[], codes=[_code(percent_bp=1)] * 2)


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("percent_off", {"percent_bp": 10_001}),
        ("percent_off", {"percent_bp": 0}),
        ("percent_off", {"buy": 3, "get": 1}),
        ("amount_off", {"amount_off": {"PLN": 0}}),
        ("amount_off", {"amount_off": {"ZLOTY": 100}}),
        ("buy_n_get_m", {"buy": 0, "get": 1}),
        ("buy_n_get_m", {"buy": 3, "get": 0}),
        ("second_item", {"within": "shelf"}),
        ("cart_threshold", {"minimum": {"PLN": 1}, "percent_bp": 100, "amount_off": {"PLN": 1}}),
        ("cart_threshold", {"minimum": {"PLN": 1}}),
        ("gift", {"product_id": str(PRODUCTS[0])}),
        ("bogus", {}),
    ],
)
def test_params_are_checked_per_kind(kind: str, params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PromotionRule.model_validate(
            {"id": uuid.UUID(int=1), "name": "x", "kind": kind, "params": params}
        )
