"""Bot API calls of bot management, with Telegram's failures turned into our typed errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, User, WebhookInfo
from aiogram.utils.token import TokenValidationError

from shopkeeper.bots.telegram.errors import BotTokenInvalid, TelegramUnavailable
from shopkeeper.bots.telegram.runtime import ALLOWED_UPDATES, TelegramRuntime
from shopkeeper.bots.telegram.texts import LANGUAGES, Overrides, Texts

log = structlog.get_logger(__name__)
T = TypeVar("T")
COMMANDS = ("start", "help", "language", "channels", "buy", "status", "notifications", "stop")


def client(runtime: TelegramRuntime, token: str, api_base: str | None = None) -> Bot:
    try:
        return runtime.bot_for_token(token, api_base)
    except TokenValidationError:
        raise BotTokenInvalid("This is not a bot token") from None


async def _call(call: Awaitable[T]) -> T:
    """A Bot API call: a refused token → 422, anything else that fails → 502."""
    try:
        return await call
    except (TelegramUnauthorizedError, TelegramNotFound):
        raise BotTokenInvalid() from None
    except TelegramNetworkError as exc:
        raise TelegramUnavailable(str(exc) or type(exc).__name__) from None
    except TelegramAPIError as exc:
        raise TelegramUnavailable(exc.message) from None
    except (OSError, TimeoutError) as exc:
        raise TelegramUnavailable(type(exc).__name__) from None


async def get_me(bot: Bot) -> User:
    return await _call(bot.get_me())


async def set_webhook(bot: Bot, *, url: str, secret: str) -> None:
    await _call(bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))


async def delete_webhook(bot: Bot) -> None:
    await _call(bot.delete_webhook())


async def webhook_info(bot: Bot) -> WebhookInfo:
    return await _call(bot.get_webhook_info())


async def set_commands(bot: Bot, overrides: Overrides) -> None:
    """The command list in each language (best effort: a failure is logged, not raised)."""
    try:
        await _call(bot.set_my_commands(_commands(Texts("en", overrides))))
        for language in LANGUAGES:
            commands = _commands(Texts(language, overrides))
            await _call(bot.set_my_commands(commands, language_code=language))
    except (TelegramUnavailable, BotTokenInvalid) as exc:
        log.warning("telegram.set_commands_failed", error=exc.detail)


def _commands(texts: Texts) -> list[BotCommand]:
    return [BotCommand(command=name, description=texts(f"command.{name}")) for name in COMMANDS]
