"""Typed errors of cart promotions (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import NotFound, Unprocessable


class PromotionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Promotion not found")


class PromotionInvalid(Unprocessable):
    """A change that the body alone could not refuse: params for the stored kind, a window."""


class PromotionTargetNotFound(Unprocessable):
    """A promotion names a product or gift variant this shop does not have."""


class CartNotEvaluable(Unprocessable):
    """Lines the engine refuses: the same line id twice, or more units than it takes."""
