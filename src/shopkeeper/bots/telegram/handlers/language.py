"""/language and the menu's Language button: pick en, ru or pl; answer in the new one."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Message

from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.keyboards import (
    LanguageChoice,
    MenuAction,
    language_picker,
    main_menu,
)
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.service import users
from shopkeeper.bots.telegram.texts import LANGUAGES, Texts


def router() -> Router:
    router = Router(name="language")
    router.message.filter(private_chat)
    router.message.register(on_language_command, Command("language"))
    router.callback_query.register(on_language_button, MenuAction.filter(F.item == "language"))
    router.callback_query.register(on_language_chosen, LanguageChoice.filter())
    return router


async def on_language_command(
    message: Message, command: CommandObject, telegram_user: TelegramUser | None, texts: Texts
) -> TelegramMethod[Any] | None:
    """`/language` shows the picker; `/language ru` switches at once."""
    code = (command.args or "").strip().lower()
    if code in LANGUAGES and telegram_user is not None:
        users.choose_language(telegram_user, code)
        chosen = texts.using(code)
        return message.answer(chosen("language.saved"), reply_markup=main_menu(chosen))
    return message.answer(texts("language.choose"), reply_markup=language_picker(texts.language))


async def on_language_button(callback: CallbackQuery, texts: Texts) -> TelegramMethod[Any]:
    await callback.answer()
    return SendMessage(
        chat_id=callback.from_user.id,
        text=texts("language.choose"),
        reply_markup=language_picker(texts.language),
    )


async def on_language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageChoice,
    telegram_user: TelegramUser | None,
    texts: Texts,
) -> TelegramMethod[Any] | None:
    if telegram_user is None or callback_data.code not in LANGUAGES:
        return callback.answer()
    users.choose_language(telegram_user, callback_data.code)
    chosen = texts.using(callback_data.code)
    await callback.answer(chosen("language.saved"))
    return SendMessage(
        chat_id=callback.from_user.id,
        text=chosen("language.saved"),
        reply_markup=main_menu(chosen),
    )
