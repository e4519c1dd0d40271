"""Errors of the notifications context."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class UnknownPurpose(NotFound):
    def __init__(self, purpose: str) -> None:
        super().__init__(f"No message purpose {purpose!r}")


class TemplateInvalid(Unprocessable):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The template does not render: {reason}")


class OrderHasNoCustomer(Conflict):
    def __init__(self) -> None:
        super().__init__("The order has no customer to send it to")
