"""Typed errors of customer data and consents (each carries its HTTP status)."""

from __future__ import annotations

import uuid
from typing import Any

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class CustomerCartNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("You have no cart in this shop: add something to it first")


class CustomerDataNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No customer data for this checkout yet")


class CustomerDataMissing(Unprocessable):
    def __init__(self) -> None:
        super().__init__("The checkout has no customer data: give email, phone and name first")


class ConsentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such consent in this shop")


class ConsentCodeTaken(Conflict):
    def __init__(self, code: str) -> None:
        super().__init__(f"This shop already has a consent {code!r}")


class ConsentUnknown(Unprocessable):
    """An answer names a consent the shop does not ask for (unknown or deactivated)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"This shop asks for no consent {code!r}")


class ConsentVersionInvalid(Unprocessable):
    """An answer names a version that is no version of that consent."""

    def __init__(self, code: str) -> None:
        super().__init__(f"That is no version of consent {code!r}")


class ConsentVersionOutdated(Conflict):
    """The shopper answered a text that has since changed: show the current one again."""

    def __init__(self, code: str, *, version_id: uuid.UUID, version: int) -> None:
        super().__init__(
            f"The text of consent {code!r} has changed (now version {version}): "
            "read it again and answer the current text"
        )
        self.consent_code = code
        self.version_id = version_id
        self.version = version

    def extra(self) -> dict[str, Any]:
        return {
            "code": self.consent_code,
            "current_version_id": str(self.version_id),
            "current_version": self.version,
        }
