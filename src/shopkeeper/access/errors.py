"""Typed errors of the access context (each carries its HTTP status)."""

from __future__ import annotations

from collections.abc import Iterable

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class TargetNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Access target not found")


class TargetTaken(Conflict):
    def __init__(self, platform: str, external_id: str) -> None:
        super().__init__(f"This shop already has a {platform} target {external_id}")


class TargetInactive(Conflict):
    def __init__(self, title: str) -> None:
        super().__init__(f"Access target {title!r} is deactivated: it grants nothing new")


class GrantNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Grant not found")


class GrantStillSourced(Conflict):
    """Staff revoke while a purchase still grants the target (pass force to end those too)."""

    def __init__(self, sources: Iterable[str]) -> None:
        listed = ", ".join(sources)
        super().__init__(f"Still granted by {listed}; revoke with force=true to end these too")


class InvalidLogAction(Unprocessable):
    def __init__(self, action: str, allowed: Iterable[str]) -> None:
        super().__init__(f"{action!r} is not one of {', '.join(sorted(allowed))}")


class InvalidGrantOutcome(ValueError):
    """A strategy answered with a state a grant cannot take from it (a programming error)."""
