"""Typed errors of services (each carries its HTTP status)."""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper.errors import Conflict, Unprocessable


class ServicesRulesInvalid(Unprocessable):
    """The rules file is refused; the detail lists every problem with its line and rule."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("services_rules.yaml: " + "; ".join(problems))
        self.problems = list(problems)


class ServicesRulesChanged(Conflict):
    """Someone saved the rules since the version the editor started from."""

    def __init__(self, expected: int) -> None:
        super().__init__(
            f"The services rules changed since version {expected}; "
            "reload them and apply your change again"
        )


class ServiceNotAvailable(Unprocessable):
    """The chosen service cannot go there; the detail says why."""


class ServiceQuantityNotAllowed(Unprocessable):
    """The quantity is outside what the service allows for its parent (or per order)."""
