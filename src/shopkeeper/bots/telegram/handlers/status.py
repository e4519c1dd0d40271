"""/status and the menu's My subscriptions: ends, days left, Renew, cancel or resume."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import subscriptions
from shopkeeper.bots.telegram import views_shop as views
from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.formatting import local_date
from shopkeeper.bots.telegram.keyboards import MenuAction
from shopkeeper.bots.telegram.keyboards_shop import SubscriptionAction
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.shops import ShopRead


def router() -> Router:
    router = Router(name="status")
    router.message.filter(private_chat)
    router.message.register(on_status, Command("status"))
    router.callback_query.register(on_status_button, MenuAction.filter(F.item == "status"))
    router.callback_query.register(on_action, SubscriptionAction.filter())
    return router


async def _subscriptions(
    session: AsyncSession, shop: ShopRead, customer_id: uuid.UUID | None, now: datetime
) -> list[subscriptions.CustomerSubscription]:
    if customer_id is None:
        return []
    return await subscriptions.list_customer_subscriptions(
        session, shop_id=shop.id, customer_id=customer_id, now=now
    )


async def on_status(
    message: Message, session: AsyncSession, shop: ShopRead, customer_id: uuid.UUID | None,
    texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    text, markup = views.status(texts, shop, await _subscriptions(session, shop, customer_id, now))
    return message.answer(text, reply_markup=markup)


async def on_status_button(
    callback: CallbackQuery, session: AsyncSession, shop: ShopRead,
    customer_id: uuid.UUID | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any]:  # fmt: skip
    await callback.answer()
    text, markup = views.status(texts, shop, await _subscriptions(session, shop, customer_id, now))
    return SendMessage(chat_id=callback.from_user.id, text=text, reply_markup=markup)


async def on_action(
    callback: CallbackQuery, callback_data: SubscriptionAction, session: AsyncSession,
    shop: ShopRead, customer_id: uuid.UUID | None, texts: Texts, now: datetime,
) -> TelegramMethod[Any] | None:  # fmt: skip
    """Cancel at period end, or take that back; only the customer's own subscription."""
    if customer_id is None or callback_data.a not in ("cancel", "resume"):
        return callback.answer()
    change = (subscriptions.cancel_at_period_end if callback_data.a == "cancel"
              else subscriptions.undo_cancel)  # fmt: skip
    changed = await change(session, shop_id=shop.id, subscription_id=callback_data.s,
                           customer_id=customer_id, now=now)  # fmt: skip
    found = await _subscriptions(session, shop, customer_id, now)
    title = next((s.plan_title for s in found if s.id == changed.id), "")
    end = local_date(changed.period_end, shop.timezone, texts.language)
    done = (texts("status.cancelled", plan=title, end=end) if callback_data.a == "cancel"
            else texts("status.resumed", plan=title))  # fmt: skip
    await callback.answer(done)
    text, markup = views.status(texts, shop, found)
    return SendMessage(chat_id=callback.from_user.id, text=f"{done}\n\n{text}",
                       reply_markup=markup)  # fmt: skip
