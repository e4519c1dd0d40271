"""services_rules.yaml on its own: the shipped default, and every kind of mistake named by
line and rule (no database: the catalog checks are in test_rules_api.py)."""

from __future__ import annotations

import pytest

from shopkeeper.checkout.services import Pricing, ServiceKind, parse_rules
from shopkeeper.checkout.services.rules import (
    MAX_TEXT,
    ServicesRulesInvalidText,
    default_text,
)


def problems(text: str) -> list[str]:
    with pytest.raises(ServicesRulesInvalidText) as caught:
        parse_rules(text)
    return caught.value.problems


def test_the_shipped_default_parses_into_item_and_standalone_services() -> None:
    rules = parse_rules(default_text()).rules.services
    by_sku = {rule.sku: rule for rule in rules}
    carry = by_sku["SVC-CARRY-IN"]
    assert carry.kind is ServiceKind.ITEM and carry.categories == ("large-appliances",)
    assert carry.conditions.min_weight_g == 20_000 and carry.pricing is Pricing.PER_UNIT
    assert carry.name_in("pl", "fallback") == "Wniesienie"
    assert carry.name_in("de", "Carry-in product") == "Carry-in product"
    assert by_sku["SVC-APPLIANCE-INSTALL"].requires == ("SVC-CARRY-IN",)
    assert by_sku["SVC-ASSEMBLY"].categories == ("furniture",)
    assert by_sku["SVC-INSTALL"].pricing is Pricing.PER_LINE
    standalone = [rule.sku for rule in rules if rule.kind is ServiceKind.STANDALONE]
    assert standalone == ["SVC-SMS", "SVC-GIFT-WRAP", "SVC-EXTENDED-SUPPORT"]
    assert by_sku["SVC-GIFT-WRAP"].max_quantity == 10


def test_an_empty_file_offers_nothing_and_a_full_rule_reads_back() -> None:
    assert parse_rules("").rules.services == ()
    assert parse_rules("services: []\n").rules.services == ()
    text = """\
services:
  - sku: HEAVY-LIFT
    kind: item
    categories: [fridges, washers]
    conditions: {min_weight_g: 30000, max_weight_g: 150000, min_longest_side_mm: 1500}
    pricing: per_line
    max_quantity: 2
    label: {en: Lifting, ru: Подъём}
"""
    rule = parse_rules(text).rules.services[0]
    assert rule.conditions.max_weight_g == 150_000 and rule.conditions.min_longest_side_mm == 1500
    assert (rule.max_quantity, rule.name_in("ru", "x"), rule.name_in("pl", "Podnoszenie")) == (
        2,
        "Подъём",
        "Podnoszenie",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "services:\n  - sku: LIFT\n    kind: item\n"
            "    conditions:\n      min_weight_g: 20 kg\n",
            ["line 5, rule 1 (LIFT): conditions.min_weight_g: Input should be a valid integer"],
        ),
        (
            "services:\n  - sku: LIFT\n    kind: item\n    conditions: {min_weight_g: -5}\n",
            [
                "line 4, rule 1 (LIFT): conditions.min_weight_g: Input should be greater than or "
                "equal to 0"
            ],
        ),
        (
            "services:\n  - sku: LIFT\n    kind: item\n    max_quantity: 1.5\n",
            ["line 4, rule 1 (LIFT): max_quantity: Input should be a valid integer"],
        ),
        (
            "services:\n  - {sku: A, kind: item}\n  - sku: B\n    kind: bogus\n",
            ["line 4, rule 2 (B): kind: Input should be 'item' or 'standalone'"],
        ),
        (
            "services:\n  - sku: A\n    kind: item\n    categories: [Large Appliances]\n",
            ["line 4, rule 1 (A): categories.0: String should match pattern"],
        ),
        (
            "services:\n  - sku: A\n    kind: item\n    colour: red\n",
            ["line 4, rule 1 (A): unknown key 'colour'"],
        ),
        (
            "services:\n  - sku: A\n    kind: item\n    label: {en: Lift, de: Heben}\n",
            ["line 4, rule 1 (A): unknown key 'de'"],
        ),
        (
            "services:\n  - sku: A\n    kind: item\n"
            "    conditions: {min_weight_g: 500, max_weight_g: 100}\n",
            ["line 4, rule 1 (A): conditions: min_weight_g (500) is above max_weight_g (100)"],
        ),
        (
            "services:\n  - sku: WRAP\n    kind: standalone\n    categories: [gifts]\n"
            "    pricing: per_line\n",
            ["line 2, rule 1 (WRAP): a standalone service has no categories, pricing"],
        ),
        (
            "services:\n  - {sku: A, kind: item}\n  - {sku: A, kind: standalone}\n",
            ["line 3, rule 2 (A): a second rule for SKU 'A'"],
        ),
        (
            "services:\n  - sku: FIT\n    kind: item\n    requires: [LIFT, WRAP, FIT]\n"
            "  - {sku: WRAP, kind: standalone}\n",
            [
                "line 4, rule 1 (FIT): requires 'LIFT', which has no rule in this file",
                "line 4, rule 1 (FIT): requires 'WRAP', a standalone service",
                "line 4, rule 1 (FIT): a service cannot require itself",
            ],
        ),
        (
            "services:\n  - {sku: A, kind: item, requires: [B]}\n"
            "  - {sku: B, kind: item, requires: [A]}\n",
            [
                "line 2, rule 1 (A): requires 'B', which requires 'A' back",
                "line 3, rule 2 (B): requires 'A', which requires 'B' back",
            ],
        ),
        (
            "services:\n  - sku: A\n    kind: item\n    kind: standalone\n",
            ["line 4: key 'kind' appears twice in the same mapping"],
        ),
        ("- just\n- a list\n", ["line 1: the file must be a mapping with a `services` list"]),
        ("services: [ {sku: A\n", ["line 2, column 1: not valid YAML"]),
        ("services:\n  - sku: A\n   kind: item\n", ["line 3, column 4: not valid YAML"]),
        ("servces: []\n", ["line 1: unknown key 'servces'"]),
    ],
)
def test_mistakes_are_named_by_line_and_rule(text: str, expected: list[str]) -> None:
    found = problems(text)
    assert len(found) == len(expected), found
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start), found


def test_a_yaml_bomb_or_a_huge_file_is_refused_before_it_is_expanded() -> None:
    levels = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]"]
    for n, name in enumerate("bcdefgh"):
        previous = "abcdefgh"[n]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    assert problems("\n".join(levels)) == ["the file has more than 20000 values"]
    huge = "services: []\n" + "#" * MAX_TEXT
    assert problems(huge) == [f"the file is longer than {MAX_TEXT} characters"]
