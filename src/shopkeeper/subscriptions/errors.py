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
