"""Typed errors of the cart (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import AppError, Conflict, NotFound, Unprocessable


class CartNotFound(NotFound):
    """No open cart of this shop behind the token (unknown, another shop's, merged, ordered)."""

    def __init__(self, detail: str = "No open cart for this X-Cart-Token in this shop") -> None:
        super().__init__(detail)


class CartItemNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such item in this cart")


class CartItemInvalid(Unprocessable):
    """The item cannot go in a cart as asked (the detail says why)."""


class CartFull(Unprocessable):
    def __init__(self, limit: int) -> None:
        super().__init__(f"A cart holds at most {limit} lines")


class CartQuantityTooLarge(Unprocessable):
    def __init__(self, limit: int, wanted: int) -> None:
        super().__init__(f"At most {limit} of one thing per line (this would make {wanted})")


class CartStockExceeded(Conflict):
    """More of a variant than its stock; `available` is how many there are."""

    def __init__(self, sku: str, *, available: int, wanted: int) -> None:
        super().__init__(f"Only {available} of {sku} in stock (the cart would hold {wanted})")
        self.sku = sku
        self.available = available
        self.wanted = wanted


class CartSignInRequired(AppError):
    """Merging needs the signed-in customer the anonymous cart goes to (401, without the
    Bearer challenge: staff tokens are not what is missing)."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("Sign in to the storefront to merge a cart into your own")


class CartTokenRequired(Unprocessable):
    def __init__(self) -> None:
        super().__init__("Send the anonymous cart's token as X-Cart-Token")
