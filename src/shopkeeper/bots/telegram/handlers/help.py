"""/help and the menu's Help button."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message

from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.keyboards import MenuAction, main_menu
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.shops import ShopRead


def router() -> Router:
    router = Router(name="help")
    router.message.filter(private_chat)
    router.message.register(on_help, Command("help"))
    router.callback_query.register(on_help_button, MenuAction.filter(F.item == "help"))
    return router


async def on_help(message: Message, texts: Texts, shop: ShopRead) -> TelegramMethod[Any]:
    return message.answer(texts("help", shop=shop.name), reply_markup=main_menu(texts))


async def on_help_button(
    callback: CallbackQuery, texts: Texts, shop: ShopRead
) -> TelegramMethod[Any]:
    await callback.answer()
    return SendMessage(
        chat_id=callback.from_user.id,
        text=texts("help", shop=shop.name),
        reply_markup=main_menu(texts),
    )
