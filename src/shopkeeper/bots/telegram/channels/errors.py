"""Typed errors of the channels API (each carries its HTTP status)."""

from __future__ import annotations

from collections.abc import Iterable

from shopkeeper.errors import Conflict, NotFound, Unprocessable


class ChannelNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Telegram channel not found")


class ChannelAlreadyRegistered(Conflict):
    def __init__(self, title: str) -> None:
        super().__init__(f"{title} is already registered")


class ChatNotFound(Unprocessable):
    def __init__(self, chat: int | str, reason: str) -> None:
        super().__init__(
            f"Telegram cannot find chat {chat} ({reason}): check the id or @username and "
            "add the bot to the chat as an administrator"
        )


class ChatNotAGroup(Unprocessable):
    def __init__(self, kind: str) -> None:
        super().__init__(f"This is a {kind} chat: register a channel or a group")


class BotRightsMissing(Unprocessable):
    """The bot cannot manage the chat; the detail lists exactly what to change."""

    def __init__(self, problems: Iterable[str]) -> None:
        super().__init__("; ".join(problems))
