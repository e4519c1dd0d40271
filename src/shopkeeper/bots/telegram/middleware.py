"""The outer middleware: one unit of work per update, and what every handler is given.

In one transaction it records the update id (a redelivered update stops here), resolves
the sender's telegram_user and customer, picks the language, and hands the handler:
`session`, `now`, `shop`, `bot_entry`, `telegram_user`, `customer_id`, `language`, `texts`,
`container`. It commits after the handler. A typed AppError from a handler rolls back and is
answered in the user's language; a 403 from Telegram while answering marks the user blocked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import structlog
from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, TelegramObject, Update, User

from shopkeeper.bots.telegram.repository import UpdateRepository
from shopkeeper.bots.telegram.service import users
from shopkeeper.bots.telegram.texts import FALLBACK, Texts, pick_language
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError

if TYPE_CHECKING:
    from shopkeeper.bots.telegram.runtime import BotEntry, TelegramRuntime

log = structlog.get_logger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateScope(BaseMiddleware):
    def __init__(self, runtime: TelegramRuntime) -> None:
        self.runtime = runtime

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        entry: BotEntry = data["bot_entry"]
        texts = Texts(FALLBACK)
        try:
            async with unit_of_work(self.runtime.container.sessions) as session:
                if not await self._claim(session, entry, event, data):
                    return UNHANDLED
                texts = data["texts"]
                try:
                    return await handler(event, data)
                except TelegramForbiddenError:
                    await self._blocked(data)
                    return None
        except AppError as exc:
            log.info("telegram.update_rejected", error=exc.code, detail=exc.detail)
            return _error_reply(event, texts("error.rejected", detail=exc.detail))

    async def _claim(
        self, session: Any, entry: BotEntry, update: Update, data: dict[str, Any]
    ) -> bool:
        """Record the update and fill the handler's data; False for a redelivered update."""
        container = self.runtime.container
        now = container.clock.now()
        if not await UpdateRepository(session).claim(
            bot_id=entry.id, shop_id=entry.shop_id, update_id=update.update_id, now=now
        ):
            log.info("telegram.update_duplicate", bot_id=str(entry.id), update=update.update_id)
            return False
        sender: User | None = data.get("event_from_user")
        person = None
        if sender is not None and not sender.is_bot:
            person = await users.resolve(
                session, shop_id=entry.shop_id, bot_id=entry.id, user=sender,
                interacting=_interacting(update), now=now,
            )  # fmt: skip
        language = pick_language(
            person.language if person else None,
            sender.language_code if sender else None,
            entry.shop.default_language,
        )
        data.update(
            session=session, now=now, shop=entry.shop, telegram_user=person,
            customer_id=person.customer_id if person else None, language=language,
            texts=Texts(language, await self.runtime.overrides(session, entry.shop_id)),
            container=container,
        )  # fmt: skip
        return True

    async def _blocked(self, data: dict[str, Any]) -> None:
        """Answering the user's private chat was refused: they blocked the bot."""
        chat: Chat | None = data.get("event_chat")
        person = data.get("telegram_user")
        if person is not None and chat is not None and chat.type == ChatType.PRIVATE:
            users.set_reachable(person, False, now=data["now"])


def _interacting(update: Update) -> bool:
    return update.message is not None or update.callback_query is not None


def _error_reply(update: Update, text: str) -> TelegramMethod[Any] | None:
    """How a refused action is told: a reply to a message, an alert on a button press."""
    if update.message is not None:
        return update.message.answer(text)
    if update.callback_query is not None:
        return update.callback_query.answer(text, show_alert=True)
    return None
