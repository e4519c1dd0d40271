"""Asking Telegram about a chat before it is sold: what it is, and what the bot may do in it."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)

from shopkeeper.bots.telegram.channels.errors import ChatNotAGroup, ChatNotFound
from shopkeeper.bots.telegram.channels.rights import MAKE_ADMIN, problems_of
from shopkeeper.bots.telegram.errors import BotTokenInvalid, TelegramUnavailable
from shopkeeper.bots.telegram.runtime import BotEntry

T = TypeVar("T")


@dataclass(frozen=True)
class ChatInfo:
    chat_id: int
    title: str
    type: str
    username: str | None
    problems: list[str]

    @property
    def rights_ok(self) -> bool:
        return not self.problems


async def _call(chat: int | str, call: Awaitable[T]) -> T:
    """A chat query: an unknown chat (or one without the bot) → 422 saying so; Telegram down →
    502; a revoked token → 422."""
    try:
        return await call
    except TelegramUnauthorizedError:
        raise BotTokenInvalid() from None
    except (TelegramBadRequest, TelegramNotFound, TelegramForbiddenError) as exc:
        raise ChatNotFound(chat, exc.message) from None
    except TelegramNetworkError as exc:
        raise TelegramUnavailable(str(exc) or type(exc).__name__) from None
    except TelegramAPIError as exc:
        raise TelegramUnavailable(exc.message) from None
    except (OSError, TimeoutError) as exc:
        raise TelegramUnavailable(type(exc).__name__) from None


async def inspect_chat(bot: Bot, entry: BotEntry, chat: int | str) -> ChatInfo:
    """getChat then getChatMember(the bot): a group or channel, and what the bot lacks there."""
    full = await _call(chat, bot.get_chat(chat_id=chat))
    if full.type == "private":
        raise ChatNotAGroup(str(full.type))
    problems = await rights_problems(bot, entry, full.id)
    title = full.title or full.username or str(full.id)
    return ChatInfo(full.id, title[:200], str(full.type), full.username, problems)


async def rights_problems(bot: Bot, entry: BotEntry, chat_id: int) -> list[str]:
    """What the bot lacks in the chat (a bot no longer in the chat: make it an admin)."""
    try:
        member = await _call(
            chat_id, bot.get_chat_member(chat_id=chat_id, user_id=entry.telegram_bot_id)
        )
    except ChatNotFound:
        return [MAKE_ADMIN]
    return problems_of(member)
