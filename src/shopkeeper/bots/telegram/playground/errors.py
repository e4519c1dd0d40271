"""Typed errors of the playground (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class PlaygroundNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("This shop has no playground bot yet")


class PlaygroundExists(Conflict):
    def __init__(self) -> None:
        super().__init__("This shop already has a playground bot")


class PlaygroundBotDisconnected(Conflict):
    def __init__(self) -> None:
        super().__init__("The playground bot is disconnected; reconnect it first")


class PlaygroundActionInvalid(Unprocessable):
    """What the tester tried cannot be done (a vanished button, a used invoice, ...)."""
