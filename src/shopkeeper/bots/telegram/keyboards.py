"""Inline keyboards and their callback data: the main menu and the language picker.

The menu is a list of items; a feature that answers an item registers a handler for
`MenuAction.filter(F.item == "<item>")` and, for a new item, appends a `MenuItem` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from shopkeeper.bots.telegram.texts import LANGUAGE_NAMES, LANGUAGES, Texts


class MenuAction(CallbackData, prefix="menu"):
    item: str


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


@dataclass(frozen=True)
class MenuItem:
    item: str  # the callback's `item`
    text_key: str  # its label in texts
    row: int  # items with the same row share a line


MENU: list[MenuItem] = [
    MenuItem("buy", "menu.buy", row=0),
    MenuItem("status", "menu.status", row=1),
    MenuItem("channels", "menu.channels", row=1),
    MenuItem("help", "menu.help", row=2),
    MenuItem("language", "menu.language", row=2),
]


def main_menu(texts: Texts, items: Sequence[MenuItem] | None = None) -> InlineKeyboardMarkup:
    """The main menu in the user's language, rows in the order of `MENU`."""
    rows: dict[int, list[tuple[str, str]]] = {}
    for entry in items if items is not None else MENU:
        rows.setdefault(entry.row, []).append((texts(entry.text_key), entry.item))
    return _keyboard(tuple(tuple(rows[row]) for row in sorted(rows)))


@lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """Built once per distinct set of labels (validating buttons costs more than the reply);
    the markup is only ever serialised, never changed, so one object serves every sender."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=label, callback_data=MenuAction(item=item).pack())
                for label, item in row
            ]
            for row in rows
        ]
    )


def language_picker(current: str) -> InlineKeyboardMarkup:
    """One button per language, the current one marked."""
    buttons = [
        InlineKeyboardButton(
            text=("✓ " if code == current else "") + LANGUAGE_NAMES[code],
            callback_data=LanguageChoice(code=code).pack(),
        )
        for code in LANGUAGES
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])
