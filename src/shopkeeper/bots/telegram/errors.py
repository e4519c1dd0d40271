"""Typed errors of the Telegram adapter (each carries its HTTP status)."""

from __future__ import annotations

from shopkeeper.errors import AppError, BadRequest, Conflict, NotFound, Unauthorized, Unprocessable


class BotNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Telegram bot not found")


class BotTokenInvalid(Unprocessable):
    def __init__(self, reason: str = "Telegram does not accept this bot token") -> None:
        super().__init__(f"{reason}; copy the token @BotFather gave you (123456:ABC-…)")


class BotAlreadyConnected(Conflict):
    def __init__(self, username: str) -> None:
        super().__init__(f"Bot @{username} is already connected")


class WebhookNotUsed(Conflict):
    def __init__(self) -> None:
        super().__init__("The bot uses long polling; it has no webhook to set")


class TelegramUnavailable(AppError):
    """The Bot API could not be reached or failed: nothing was changed."""

    status_code = 502

    def __init__(self, detail: str) -> None:
        super().__init__(f"Telegram Bot API unavailable: {detail}")


class UnknownTextKey(Unprocessable):
    def __init__(self, key: str) -> None:
        super().__init__(f"There is no bot text {key!r}")


class TextTemplateInvalid(Unprocessable):
    """An override with broken braces or placeholders the default does not have."""


class WebhookSecretMismatch(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Missing or wrong X-Telegram-Bot-Api-Secret-Token", headers={})


class UpdateMalformed(BadRequest):
    def __init__(self) -> None:
        super().__init__("The body is not a Telegram Update")
