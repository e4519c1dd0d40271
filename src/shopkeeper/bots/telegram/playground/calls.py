"""One Bot API call to the stand-in: who calls, with what, and the table of methods.

A method is `async def m(call: Call) -> result` registered with `@method("sendMessage")`.
It reads through `call.repo` (a read-only session: it never waits for a lock) and queues
its changes with `call.write(...)` (see writer.py); the result is the Bot API's `result`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.models import PlaygroundChat, PlaygroundUser
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.wire import ApiError, Params, bad_request
from shopkeeper.bots.telegram.playground.writer import FollowUp, MessageKey, Write

if TYPE_CHECKING:
    from shopkeeper.bots.telegram.playground.standin import StandIn


@dataclass(frozen=True)
class BotRef:
    """What a call knows of the playground bot its token belongs to."""

    id: uuid.UUID
    shop_id: uuid.UUID
    bot_id: uuid.UUID | None  # the telegram_bot row, once connected
    telegram_bot_id: int
    username: str
    first_name: str

    def user(self) -> dict[str, Any]:
        return wire.bot_user(self.telegram_bot_id, self.first_name, self.username)


@dataclass
class Call:
    standin: StandIn
    bot: BotRef
    params: Params
    repo: PlaygroundRepository
    now: datetime

    def write(
        self, write: Write, *, then: FollowUp | None = None, message: MessageKey | None = None
    ) -> None:
        self.standin.writer.submit(write, then=then, message=message)

    def deliver_later(self, write: Write, update: dict[str, Any]) -> None:
        """Queue a change and the update Telegram sends the bot about it (chat_member...)."""
        bot = self.bot

        async def deliver() -> None:
            await self.standin.deliver(bot, update)

        self.write(write, then=deliver)

    async def tester(self, user_id: int) -> PlaygroundUser | None:
        return await self.repo.tester_by_telegram_id(self.bot.id, user_id)

    async def group(self, chat_id: int) -> PlaygroundChat:
        """A channel or group of this bot (400 "chat not found" for anything else)."""
        chat = await self.repo.chat(self.bot.id, chat_id) if chat_id < 0 else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    async def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object of a tester's private chat or one of the bot's groups."""
        if chat_id > 0:
            tester = await self.tester(chat_id)
            if tester is None:
                raise bad_request("chat not found")
            return wire.private_chat(tester)
        return wire.group_chat(await self.group(chat_id))

    async def admin(self, chat_id: int, right: str) -> PlaygroundChat:
        """A group in which the bot is an administrator with `right`."""
        chat = await self.group(chat_id)
        if not chat.bot_is_admin or not getattr(chat, right):
            raise bad_request("not enough rights")
        return chat


Method = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method (names are case-insensitive, as Telegram's are)."""

    def register(function: Method) -> Method:
        METHODS[name.lower()] = function
        return function

    return register


__all__ = ["METHODS", "ApiError", "BotRef", "Call", "method"]
