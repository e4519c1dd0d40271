"""What every action of a tester shares: who acts, what comes of it, how updates go out.

An action stores what the tester did (in a short transaction of its own), delivers the
update Telegram would send the bot (`StandIn.deliver`: the runtime's one Dispatcher, the
same handlers), then waits for the stand-in's writes, so the page shows the bot's answer.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.errors import (
    PlaygroundBotDisconnected,
    PlaygroundNotFound,
)
from shopkeeper.bots.telegram.playground.models import (
    PlaygroundBot,
    PlaygroundMessage,
    PlaygroundUser,
)
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.service import default_tester, ensure_tester
from shopkeeper.bots.telegram.playground.standin import standin
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

Level = Literal["info", "success", "error"]


@dataclass(frozen=True)
class Tester:
    """The staff member acting as a Telegram user, and their language for a first visit."""

    __test__: ClassVar[bool] = False  # not a test class, whatever pytest thinks of the name
    staff_user_id: uuid.UUID
    name: str
    language: str


@dataclass(frozen=True)
class Outcome:
    """How an action went, for a toast: a message key of the page (or the bot's own words)."""

    level: Level = "info"
    key: str = ""  # "" → nothing to say
    values: dict[str, Any] = field(default_factory=dict)


async def begin(
    container: Container, shop_id: uuid.UUID, tester: Tester, *, start: bool
) -> tuple[PlaygroundBot, PlaygroundUser]:
    """The shop's connected playground bot and the tester's row (made on a first action);
    `start` marks that the tester has opened the chat (the bot may write to them)."""
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        bot = await PlaygroundRepository(session).bot_for_shop(shop_id)
        if bot is None:
            raise PlaygroundNotFound()
        if bot.bot_id is None:
            raise PlaygroundBotDisconnected()
        default = default_tester(bot.id, tester.staff_user_id, tester.name, tester.language)
        user = await ensure_tester(
            session, bot, default, staff_user_id=tester.staff_user_id, now=now
        )
        if start and user.started_at is None:
            user.started_at = now
    return bot, user


async def deliver(container: Container, bot: PlaygroundBot, update: dict[str, Any]) -> None:
    """Hand the update to the bot and wait until what it did is stored."""
    stand_in = standin(container)
    delivered = bot.bot_id is not None and await stand_in.deliver(bot.bot_id, update)
    if not delivered and "chat_member" not in update:  # a chat_member may be unwanted
        raise PlaygroundBotDisconnected()
    await stand_in.writer.flush()


def user_message(
    user: PlaygroundUser, message_id: int, now: datetime, **content: Any
) -> dict[str, Any]:
    """A Message from the tester in their private chat with the bot."""
    return {
        "message_id": message_id,
        "from": wire.tester_user(user),
        "chat": wire.private_chat(user),
        "date": wire.unix(now),
        **content,
    }


def note_text(key: str, **values: Any) -> str:
    """A note's stored form: the page words it in its reader's language."""
    return json.dumps({"note": key, **values}, ensure_ascii=False)


def read_note(text: str) -> tuple[str, dict[str, Any]]:
    try:
        found = json.loads(text)
    except ValueError:
        return "", {}
    if not isinstance(found, dict):
        return "", {}
    return str(found.pop("note", "")), found


def chat_row(
    bot: PlaygroundBot,
    chat_id: int,
    *,
    sender: str,
    text: str,
    now: datetime,
    message_id: int | None = None,
) -> PlaygroundMessage:
    """A message of the tester's chat that did not come from the bot: theirs, or a note."""
    return PlaygroundMessage(
        shop_id=bot.shop_id,
        playground_bot_id=bot.id,
        chat_id=chat_id,
        message_id=message_id or wire.MESSAGE_IDS.next(),
        sender=sender,
        text=text,
        created_at=now,
    )
