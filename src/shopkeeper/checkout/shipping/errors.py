"""Typed errors of shipping (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, ServiceUnavailable, Unprocessable


class ShippingMethodNotFound(NotFound):
    """Unknown, of another shop, or (for customers) inactive."""

    def __init__(self, detail: str = "Shipping method not found") -> None:
        super().__init__(detail)


class ShippingCodeTaken(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"Shipping method code {code!r} is already used in this shop")


class InvalidShippingMethod(Unprocessable):
    """The method, with a change applied, breaks a rule (the detail names the field)."""


class DeliveryDateNotNeeded(Unprocessable):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} delivers without a chosen date; there is no calendar to show")


class DeliveryDateNotOffered(Unprocessable):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class AddonNotOffered(Unprocessable):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class CalendarUnavailable(ServiceUnavailable):
    """The delivery calendar could not answer; the method itself is still offered."""

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        headers = None if retry_after is None else {"Retry-After": str(max(1, retry_after))}
        super().__init__(detail, headers=headers)
        self.retry_after = retry_after


class InvalidDeliveryAddress(Unprocessable):
    """A country or postal code that is not one; the detail names the field."""
