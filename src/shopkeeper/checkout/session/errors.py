"""Typed errors of the checkout session (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class CheckoutCartNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("You have no cart in this shop: add something to it first")


class ShippingMethodUnavailable(Unprocessable):
    """The method exists but cannot carry this cart now; the detail gives the reasons."""


class ShippingChoiceMissing(Unprocessable):
    """A step needs an earlier one (a method before a date, an address before a date)."""


class PromotionNotAvailable(Unprocessable):
    """The promotion is not one this cart qualifies for now."""


class PromotionNotApplied(NotFound):
    def __init__(self) -> None:
        super().__init__("No such promotion or promo code is applied to this checkout")


class PromoCodeAlreadyApplied(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} is already applied; remove it to use another")
