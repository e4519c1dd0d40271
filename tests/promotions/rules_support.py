"""Small builders for engine tests: lines and rules with readable defaults."""

from __future__ import annotations

import uuid
from typing import Any

from shopkeeper.promotions.rules import CartLine, Evaluation, PromotionRule

PRODUCTS = [uuid.UUID(int=0xA000 + n) for n in range(6)]
VARIANTS = [uuid.UUID(int=0xB000 + n) for n in range(12)]
CATEGORIES = [uuid.UUID(int=0xC000 + n) for n in range(4)]


def line(
    line_id: str,
    unit_amount: int,
    quantity: int = 1,
    *,
    product: int = 0,
    variant: int | None = None,
    categories: tuple[int, ...] = (),
    type: str = "offer",
) -> CartLine:
    return CartLine(
        line_id=line_id,
        product_id=PRODUCTS[product],
        variant_id=VARIANTS[product * 2 if variant is None else variant],
        category_ids=frozenset(CATEGORIES[c] for c in categories),
        unit_amount=unit_amount,
        quantity=quantity,
        type=type,
    )


def rule(kind: str, n: int = 0, **fields: Any) -> PromotionRule:
    """A promotion with id `n` (ids order rules of equal priority)."""
    params = fields.pop("params", {})
    return PromotionRule.model_validate(
        {"id": uuid.UUID(int=n), "name": f"{kind}-{n}", "kind": kind, "params": params, **fields}
    )


def per_line(result: Evaluation) -> dict[str, int]:
    return {d.line_id: d.amount for d in result.lines}


def by_id(result: Evaluation) -> dict[uuid.UUID, int]:
    return {a.id: a.discount for a in result.applied}
