"""Menu items no feature answers yet: a short "not available yet" instead of a spinner."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery

from shopkeeper.bots.telegram.keyboards import MenuAction
from shopkeeper.bots.telegram.texts import Texts


def router() -> Router:
    router = Router(name="fallback")
    router.callback_query.register(on_unanswered_menu_item, MenuAction.filter())
    return router


async def on_unanswered_menu_item(callback: CallbackQuery, texts: Texts) -> TelegramMethod[Any]:
    return callback.answer(texts("menu.unavailable"))
