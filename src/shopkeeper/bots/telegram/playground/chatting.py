"""The tester talks to the bot: sends a message, presses an inline button, picks a language."""

from __future__ import annotations

import secrets
import uuid

from shopkeeper.bots.telegram.playground import wire
from shopkeeper.bots.telegram.playground.acting import (
    Outcome,
    Tester,
    begin,
    chat_row,
    deliver,
    user_message,
)
from shopkeeper.bots.telegram.playground.methods.messages import TEXT_LIMIT, plain_text
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.texts import LANGUAGES
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work


async def send_text(
    container: Container, *, shop_id: uuid.UUID, tester: Tester, text: str
) -> Outcome:
    """The tester writes `text` (a `/command` gets its bot_command entity, as in Telegram)."""
    text = text.strip()
    if not text:
        return Outcome("error", "empty_message")
    if len(text) > TEXT_LIMIT:
        return Outcome("error", "message_too_long", {"limit": TEXT_LIMIT})
    bot, user = await begin(container, shop_id, tester, start=True)
    now = container.clock.now()
    message_id = wire.MESSAGE_IDS.next()
    content: dict[str, object] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    async with unit_of_work(container.sessions) as session:
        session.add(
            chat_row(
                bot, user.telegram_user_id, sender="user", text=text, now=now, message_id=message_id
            )
        )
    update = {
        "update_id": wire.UPDATE_IDS.next(),
        "message": user_message(user, message_id, now, **content),
    }
    await deliver(container, bot, update)
    return Outcome()


async def press_button(
    container: Container, *, shop_id: uuid.UUID, tester: Tester, message_id: int, data: str
) -> Outcome:
    """The tester presses a callback button under one of the bot's messages."""
    bot, user = await begin(container, shop_id, tester, start=True)
    async with container.readers() as session:
        row = await PlaygroundRepository(session).message(bot.id, user.telegram_user_id, message_id)
    buttons = [
        b
        for line in ((row.reply_markup or {}).get("inline_keyboard") or [] if row else [])
        for b in line
    ]
    if row is None or row.sender != "bot" or row.deleted_at is not None:
        return Outcome("error", "message_gone")
    if not any(str(b.get("callback_data")) == data for b in buttons):
        return Outcome("error", "button_gone")
    query_id = str(secrets.randbits(63))
    shown = {
        "message_id": row.message_id,
        "from": wire.bot_user(bot.telegram_bot_id, bot.first_name, bot.username),
        "chat": wire.private_chat(user),
        "date": wire.unix(row.created_at),
    }
    if row.text:
        shown["text"] = plain_text(row.text, row.parse_mode)
    if row.reply_markup:
        shown["reply_markup"] = row.reply_markup
    query = {
        "id": query_id,
        "from": wire.tester_user(user),
        "message": shown,
        "chat_instance": str(user.telegram_user_id ^ bot.telegram_bot_id),
        "data": data,
    }
    await deliver(container, bot, {"update_id": wire.UPDATE_IDS.next(), "callback_query": query})
    async with container.readers() as session:
        answer = await PlaygroundRepository(session).answer(bot.id, "callback", query_id)
    if answer is not None and answer.text:
        return Outcome("info", "bot_answer", {"text": answer.text, "alert": answer.show_alert})
    return Outcome()


async def set_language(
    container: Container, *, shop_id: uuid.UUID, tester: Tester, language: str
) -> Outcome:
    """The language of the tester's Telegram app (sent with every update from now on)."""
    if language not in LANGUAGES:
        return Outcome("error", "language_unknown")
    _, user = await begin(container, shop_id, tester, start=False)
    async with unit_of_work(container.sessions) as session:
        row = await PlaygroundRepository(session).tester_for_staff(
            user.playground_bot_id, tester.staff_user_id
        )
        if row is not None:
            row.language = language
    return Outcome("success", "language_saved", {"language": language})
