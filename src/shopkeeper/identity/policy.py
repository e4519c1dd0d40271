"""Login throttling and token lifetimes, built from Settings by the boundary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shopkeeper.errors import Unprocessable
from shopkeeper.settings import Settings

MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """From the 3rd failure each one waits longer (capped); at `max_failures` the account locks."""

    max_failures: int = 5
    lock_minutes: int = 15
    delay_seconds: float = 0.5
    max_delay_seconds: float = 2.0
    free_failures: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(
            max_failures=settings.login_max_failures,
            lock_minutes=settings.login_lock_minutes,
            delay_seconds=settings.login_delay_seconds,
        )

    def delay_for(self, failures: int) -> float:
        if failures <= self.free_failures or self.delay_seconds <= 0:
            return 0.0
        return min(
            self.delay_seconds * 2 ** (failures - self.free_failures - 1), self.max_delay_seconds
        )


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    secret: str
    access_minutes: int = 15
    refresh_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenPolicy:
        return cls(
            secret=settings.secret_key,
            access_minutes=settings.access_token_minutes,
            refresh_days=settings.refresh_token_days,
        )


def normalise_email(email: str) -> str:
    """Staff and customer emails are compared lowercase, without surrounding spaces."""
    return email.strip().lower()


def valid_email(email: str) -> str:
    value = normalise_email(email)
    if len(value) > 320 or not _EMAIL.match(value):
        raise Unprocessable(f"Not a valid email address: {email!r}")
    return value
