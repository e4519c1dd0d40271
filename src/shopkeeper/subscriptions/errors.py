"""Typed errors of the subscriptions context (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class SubscriptionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Subscription not found")


class NotAPlan(Unprocessable):
    """The product is not a plan (or has no period terms): it cannot be subscribed to."""

    def __init__(self) -> None:
        super().__init__("This product is not a plan with a period; it cannot be subscribed to")


class SubscriptionNotLive(Conflict):
    """The subscription has ended (expired, canceled or revoked): start a new one instead."""

    def __init__(self, status: str) -> None:
        super().__init__(f"The subscription is {status}; it can no longer be changed")
        self.status = status


class SubscriptionAlreadyPastDue(Conflict):
    """Its paid period is over: canceling at period end makes no sense; revoke or renew it."""

    def __init__(self) -> None:
        super().__init__(
            "The subscription's period has already ended (it is past due): revoke or renew it"
        )


class PlanUnchanged(Unprocessable):
    def __init__(self) -> None:
        super().__init__("The subscription is already on this plan")


class PlanCurrencyMismatch(Unprocessable):
    """The new plan has no price in the currency the subscription is paid in."""

    def __init__(self, currency: str) -> None:
        super().__init__(
            f"The new plan has no price in {currency}, the currency this subscription is paid "
            "in; a plan change keeps the currency"
        )
        self.currency = currency


class PlanChangePending(Conflict):
    """Another change of this subscription is open: one at a time."""

    def __init__(self, status: str) -> None:
        what = "waits for its payment" if status == "awaiting_payment" else "is scheduled"
        super().__init__(
            f"Another plan change of this subscription {what}; pay it or undo it first"
        )
        self.status = status


class PlanChangeRefused(Conflict):
    """The change cannot be made in the subscription's present state (the detail says why)."""


class PlanChangeNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("This subscription has no open plan change")
