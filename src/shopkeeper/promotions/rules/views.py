"""What a cart qualifies for, or is short of: the "available promotions" of a cart."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from shopkeeper.promotions.rules.kinds import Units, shortfall
from shopkeeper.promotions.rules.types import AvailablePromotion, CartLine, PromotionRule


def available(
    rules: Sequence[PromotionRule],
    currency: str,
    lines: Sequence[CartLine],
    full: Units,
    seen: dict[uuid.UUID, list[int]],
    *,
    eligible: set[uuid.UUID],
    applied: set[uuid.UUID],
) -> list[AvailablePromotion]:
    """Each promotion the cart qualifies for on its own (applied or not), then each one it
    sees a targeted line for but is short of (items to add, value to add), in rule order."""
    result = []
    for rule in rules:
        common = {"promotion_id": rule.id, "name": rule.name, "kind": rule.kind}
        if rule.id in eligible:
            result.append(AvailablePromotion(**common, eligible=True, applied=rule.id in applied))
            continue
        missing = shortfall(rule, currency, lines, full, seen[rule.id])
        if missing.items is not None or missing.amount is not None:
            result.append(
                AvailablePromotion(
                    **common, eligible=False, applied=False, missing_items=missing.items,
                    missing_amount=missing.amount,
                )
            )  # fmt: skip
    return result
