"""Typed errors of the promotions context (each carries its HTTP status)."""

from __future__ import annotations

from datetime import datetime

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class PromoCodeNotFound(NotFound):
    def __init__(self, code: str | None = None) -> None:
        super().__init__(f"Promo code {code} does not exist" if code else "Promo code not found")


class PromoCodeTaken(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} already exists in this shop")


class PromoCodeInactive(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} has been deactivated")


class PromoCodeNotYetValid(Conflict):
    def __init__(self, code: str, valid_from: datetime) -> None:
        super().__init__(f"Promo code {code} is valid from {valid_from.isoformat()}")


class PromoCodeExpired(Conflict):
    def __init__(self, code: str, valid_until: datetime) -> None:
        super().__init__(f"Promo code {code} expired at {valid_until.isoformat()}")


class PromoCodeExhausted(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} has been used the maximum number of times")


class PromoCodeCustomerLimitReached(Conflict):
    def __init__(self, code: str, limit: int) -> None:
        times = "once" if limit == 1 else f"{limit} times"
        super().__init__(f"Promo code {code} can be used {times} per customer")


class PromoCodeNotForCustomer(Unprocessable):
    """The code was made for one customer (a win-back offer) and someone else tried it."""

    def __init__(self, code: str, *, known_customer: bool) -> None:
        detail = (
            f"Promo code {code} was issued to another customer"
            if known_customer
            else f"Promo code {code} was issued to one customer: the order needs that customer"
        )
        super().__init__(detail)


class PromoCodeNotApplicable(Unprocessable):
    """The code exists and is live but gives nothing to this order (products, currency)."""


class PromoCodeBelowMinimum(Unprocessable):
    def __init__(self, code: str, minimum: int, currency: str) -> None:
        super().__init__(
            f"Promo code {code} needs an order of at least {minimum} {currency} (minor units)"
        )
        self.minimum = minimum


class PromoCodeFirstPurchaseOnly(Unprocessable):
    def __init__(self, code: str, *, known_customer: bool) -> None:
        detail = (
            f"Promo code {code} is for a customer's first purchase only"
            if known_customer
            else f"Promo code {code} is for a first purchase: the order needs a customer"
        )
        super().__init__(detail)


class PromoCodeCustomerRequired(Unprocessable):
    def __init__(self, code: str) -> None:
        super().__init__(f"Promo code {code} is limited per customer: the order needs a customer")
