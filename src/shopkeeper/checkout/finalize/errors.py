"""Typed errors of finalisation (each carries its HTTP status)."""

from __future__ import annotations

from typing import Any

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class CheckoutNotReady(Unprocessable):
    """Something finalisation needs is missing or no longer valid; `missing` says what."""

    def __init__(self, missing: list[str], notices: list[str]) -> None:
        words = ", ".join(missing)
        super().__init__(f"The checkout is not complete: {words}")
        self.missing = missing
        self.notices = notices

    def extra(self) -> dict[str, Any]:
        return {"missing": self.missing, "notices": self.notices}


class TotalChanged(Conflict):
    """Prices, promotions or shipping changed since the shopper saw the total."""

    def __init__(self, expected: int, total: int, currency: str) -> None:
        super().__init__(
            f"The total changed from {expected} to {total} ({currency} minor units): "
            "review the summary and confirm again"
        )
        self.expected, self.total = expected, total

    def extra(self) -> dict[str, Any]:
        return {"expected_total": self.expected, "total": self.total}


class FinalizedCartNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such cart of yours in this shop")
