"""Typed errors of the premium API (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import NotFound


class PremiumMemberNotFound(NotFound):
    """No customer of the shop has linked this Discord account."""

    def __init__(self, discord_id: str) -> None:
        super().__init__(f"No customer of this shop has linked the Discord account {discord_id}")


class NoPremium(NotFound):
    """The member holds no live premium subscription to change or cancel."""

    def __init__(self) -> None:
        super().__init__("This member has no live premium subscription")
