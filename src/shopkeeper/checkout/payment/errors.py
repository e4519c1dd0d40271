"""Typed errors of the checkout's payment (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import AppError, Conflict, NotFound, Unprocessable


class PaymentMethodUnavailable(Unprocessable):
    """The method is not one this checkout may be paid with now; the detail says why."""


class PaymentMethodMissing(Unprocessable):
    def __init__(self) -> None:
        super().__init__("Choose a payment method first")


class CheckoutOrderMissing(Conflict):
    def __init__(self) -> None:
        super().__init__("This cart has not been finalised into an order: finalise it first")


class CheckoutOrderNotPayable(Conflict):
    """The checkout's order is paid already, or cancelled (then finalise the cart again)."""


class PaymentAttemptNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such payment of yours in this shop")


class PaymentAlreadyStarting(Conflict):
    def __init__(self) -> None:
        super().__init__("Another payment of this order is being started: try again in a moment")


class WebhookTooLarge(AppError):
    status_code = 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"A webhook body may be at most {limit} bytes")
