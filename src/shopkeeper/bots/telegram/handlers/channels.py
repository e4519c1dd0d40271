"""/channels and the menu's "My channels": the customer's chats, with a fresh link for each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels.overview import ChannelLine, my_channels
from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.keyboards import MenuAction
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.runtime import BotEntry
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.container import Container


def router() -> Router:
    router = Router(name="channels")
    router.message.filter(private_chat)
    router.message.register(on_channels, Command("channels"))
    router.callback_query.register(on_channels_button, MenuAction.filter(F.item == "channels"))
    return router


async def on_channels(
    message: Message, telegram_user: TelegramUser | None, texts: Texts, session: AsyncSession,
    container: Container, bot_entry: BotEntry, now: datetime,
) -> TelegramMethod[Any] | None:  # fmt: skip
    if telegram_user is None:
        return None
    text, markup = await _answer(session, container, bot_entry, telegram_user, texts, now)
    return message.answer(text, reply_markup=markup)


async def on_channels_button(
    callback: CallbackQuery, telegram_user: TelegramUser | None, texts: Texts,
    session: AsyncSession, container: Container, bot_entry: BotEntry, now: datetime,
) -> TelegramMethod[Any] | None:  # fmt: skip
    await callback.answer()
    if telegram_user is None:
        return None
    text, markup = await _answer(session, container, bot_entry, telegram_user, texts, now)
    return SendMessage(chat_id=callback.from_user.id, text=text, reply_markup=markup)


async def _answer(
    session: AsyncSession, container: Container, entry: BotEntry, person: TelegramUser,
    texts: Texts, now: datetime,
) -> tuple[str, InlineKeyboardMarkup | None]:  # fmt: skip
    lines = await my_channels(session, container, entry, person, now)
    return render(lines, texts)


def render(lines: list[ChannelLine], texts: Texts) -> tuple[str, InlineKeyboardMarkup | None]:
    """One line per chat; a join button for each chat with a fresh link."""
    if not lines:
        return texts("channels.none"), None
    body = [texts("channels.header")]
    buttons = []
    for line in lines:
        if line.state == "join" and line.url:
            key = "channels.join_request" if line.mode == "join_request" else "channels.join"
            body.append(texts(key, title=line.title))
            label = texts("channels.join_button", title=line.title)
            buttons.append([InlineKeyboardButton(text=label, url=line.url)])
        elif line.state == "action_required":
            body.append(texts("channels.action_required", title=line.title, reason=line.reason))
        else:
            body.append(texts(f"channels.{line.state}", title=line.title))
    markup = InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
    return "\n".join(body), markup
