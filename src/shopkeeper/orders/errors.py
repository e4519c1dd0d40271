"""Typed errors of the orders context (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class OrderNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Order not found")


class IllegalTransition(Conflict):
    """The order's state does not allow the action: "cannot <action> an order that is <state>"."""

    def __init__(self, action: str, state: str) -> None:
        super().__init__(f"cannot {action} an order that is {state}")
        self.action = action
        self.state = state


class OrderNotPayable(Conflict):
    """Money arrived for an order that can no longer take it (cancelled, expired, paid)."""


class PaymentAmountMismatch(Conflict):
    def __init__(self, *, expected: int, got: int, currency: str) -> None:
        super().__init__(f"The order's total is {expected} {currency}; the payment was {got}")


class RefundExceedsPaid(Conflict):
    def __init__(self, *, remaining: int, asked: int, currency: str) -> None:
        super().__init__(
            f"Cannot refund {asked} {currency}: only {remaining} {currency} remains refundable"
        )


class InvalidAmount(Unprocessable):
    pass


class IdempotencyKeyReused(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a different order"
        )


class InvalidIdempotencyKey(Unprocessable):
    def __init__(self) -> None:
        super().__init__("Idempotency-Key must be 1–255 visible ASCII characters")
