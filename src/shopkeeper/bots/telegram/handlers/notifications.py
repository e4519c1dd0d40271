"""/stop and /notifications: a customer turns the shop's messages in this bot off and on.

/stop opts the customer out of Telegram (reminders, win-back, broadcasts; receipts are legally
required and still come). A later /start does not turn messages back on: /notifications shows
the state and, when off, a button that does.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.keyboards_notifications import NotificationsOn, turn_on
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.notifications import preferences
from shopkeeper.shops import ShopRead

CHANNEL = "telegram"


def router() -> Router:
    router = Router(name="notifications")
    router.message.filter(private_chat)
    router.message.register(on_stop, Command("stop"))
    router.message.register(on_notifications, Command("notifications"))
    router.callback_query.register(on_turn_on, NotificationsOn.filter())
    return router


async def on_stop(
    message: Message, session: AsyncSession, shop: ShopRead, customer_id: uuid.UUID | None,
    texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    if customer_id is not None:
        await preferences.opt_out(
            session, shop_id=shop.id, customer_id=customer_id, channel=CHANNEL, source="bot",
            now=now,
        )  # fmt: skip
    return message.answer(texts("notifications.stopped", shop=shop.name))


async def on_notifications(
    message: Message, session: AsyncSession, shop: ShopRead, customer_id: uuid.UUID | None,
    texts: Texts,
) -> TelegramMethod[Any]:  # fmt: skip
    if customer_id is not None and await preferences.opted_out(
        session, shop.id, customer_id, CHANNEL
    ):
        return message.answer(
            texts("notifications.off", shop=shop.name), reply_markup=turn_on(texts)
        )
    return message.answer(texts("notifications.on", shop=shop.name))


async def on_turn_on(
    callback: CallbackQuery, session: AsyncSession, shop: ShopRead,
    customer_id: uuid.UUID | None, texts: Texts,
) -> TelegramMethod[Any]:  # fmt: skip
    if customer_id is not None:
        await preferences.opt_in(session, shop_id=shop.id, customer_id=customer_id, channel=CHANNEL)
    await callback.answer()
    return SendMessage(
        chat_id=callback.from_user.id, text=texts("notifications.on", shop=shop.name)
    )
