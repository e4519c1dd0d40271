"""The /notifications button that turns a customer's messages back on after /stop."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from shopkeeper.bots.telegram.texts import Texts


class NotificationsOn(CallbackData, prefix="notify_on"):
    pass


def turn_on(texts: Texts) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=texts("notifications.turn_on"), callback_data=NotificationsOn().pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
