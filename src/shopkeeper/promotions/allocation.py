"""How a discount is spread over order lines so the shares sum to it exactly.

Percent codes: each eligible line gets `percent_of(line amount, bp)` — the project's one
rounding rule (ROUND_HALF_UP once per line) — and the discount is the sum of those shares.
Fixed codes: the discount (capped at the eligible subtotal) is split in proportion to the
eligible lines' amounts by the largest-remainder method: every line first gets the floor of
its exact share, then the minor units left over go one each to the lines with the largest
fractional remainders (ties: the earlier line). So shares are never negative, never exceed
their line, and always sum to the discount.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper.kit.money import percent_of


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` (0 ≤ total ≤ sum(weights)) in proportion to `weights`, summing exactly."""
    whole = sum(weights)
    if total < 0 or any(w < 0 for w in weights) or total > whole:
        raise ValueError("allocate needs 0 ≤ total ≤ sum(weights) and weights ≥ 0")
    if whole == 0:
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return floors


def percent_shares(amounts: Sequence[int], eligible: Sequence[bool], bp: int) -> list[int]:
    """Per-line percent discount, rounded half up per line; 0 for ineligible lines."""
    return [percent_of(a, bp) if ok else 0 for a, ok in zip(amounts, eligible, strict=True)]


def fixed_shares(amounts: Sequence[int], eligible: Sequence[bool], amount_off: int) -> list[int]:
    """A fixed discount capped at the eligible subtotal, spread by largest remainder."""
    weights = [a if ok else 0 for a, ok in zip(amounts, eligible, strict=True)]
    return allocate(min(amount_off, sum(weights)), weights)
