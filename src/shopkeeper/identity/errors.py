"""Typed errors of the identity context (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, Forbidden, Locked, NotFound, Unauthorized, Unprocessable


class InvalidCredentials(Unauthorized):
    """Unknown email or wrong password (one message for both); `delay_seconds` slows retries."""

    def __init__(self, *, delay_seconds: float = 0.0) -> None:
        super().__init__("Incorrect email or password")
        self.delay_seconds = delay_seconds


class AccountLocked(Locked):
    def __init__(self, *, minutes_left: int) -> None:
        super().__init__(
            f"Too many failed logins: the account is locked, try again in {minutes_left} min"
        )
        self.minutes_left = minutes_left


class InvalidToken(Unauthorized):
    def __init__(self, detail: str = "Invalid or expired token") -> None:
        super().__init__(detail)


class RefreshTokenReused(Unauthorized):
    """A rotated refresh token came back: its whole family is revoked."""

    def __init__(self) -> None:
        super().__init__("Refresh token was already used; the session has been revoked")


class UserRequired(Unauthorized):
    def __init__(self) -> None:
        super().__init__("This endpoint needs a staff user's access token, not an API key")


class EmailTaken(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"A staff user with email {email} already exists")


class WeakPassword(Unprocessable):
    def __init__(self, min_length: int) -> None:
        super().__init__(f"Password must be at least {min_length} characters")


class UserNotFound(NotFound):
    def __init__(self, detail: str = "Staff user not found") -> None:
        super().__init__(detail)


class ApiKeyNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("API key not found")


class ApiKeyScopeTooWide(Forbidden):
    def __init__(self, permissions: set[str]) -> None:
        names = ", ".join(sorted(permissions))
        super().__init__(f"An API key cannot have permissions you do not have: {names}")


class CustomerNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Customer not found")


class InvalidIdentity(Unprocessable):
    """A customer identity value that cannot be normalised (bad email, phone, user id)."""


class InvalidTag(Unprocessable):
    def __init__(self, tag: str) -> None:
        super().__init__(
            f"A tag is 1 to 40 letters, digits, '-' or '_' (spaces around it are dropped, "
            f"capitals lowered), got {tag[:60]!r}"
        )


class TagNotFound(NotFound):
    def __init__(self, tag: str) -> None:
        super().__init__(f"The customer has no tag {tag!r}")
