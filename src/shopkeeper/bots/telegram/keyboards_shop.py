"""Callback data and inline keyboards of the selling flow: /buy, payment choice, /status.

Callback data carries ids, never names (Telegram allows 64 bytes; a UUID packs as 32 hex
characters), so a button pressed on an old message still means exactly what it showed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from shopkeeper.bots.telegram.texts import Texts


class OfferChosen(CallbackData, prefix="bo"):
    """A variant (plan) picked from the /buy list."""

    v: uuid.UUID


class ProductChosen(CallbackData, prefix="bpr"):
    """A product picked by id (Renew in /status): its variants, or its only one."""

    p: uuid.UUID


class BuyStep(CallbackData, prefix="bs"):
    """On an offer's card: `promo` (type a code), `go` (choose how to pay), `list` (back)."""

    v: uuid.UUID
    a: str


class PayWith(CallbackData, prefix="bp"):
    """Pay for variant `v` in currency `c` through gateway `g`."""

    v: uuid.UUID
    g: str
    c: str


class SubscriptionAction(CallbackData, prefix="sa"):
    """In /status: `cancel` at period end or `resume` subscription `s`."""

    s: uuid.UUID
    a: str


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in rows if row])


def offer_list(choices: Sequence[tuple[str, uuid.UUID]]) -> InlineKeyboardMarkup:
    """One button per offer: (label, variant id)."""
    return markup([[button(label, OfferChosen(v=variant_id))] for label, variant_id in choices])


def offer_card(texts: Texts, variant_id: uuid.UUID) -> InlineKeyboardMarkup:
    return markup([
        [button(texts("buy.promo_button"), BuyStep(v=variant_id, a="promo"))],
        [button(texts("buy.back_button"), BuyStep(v=variant_id, a="list")),
         button(texts("buy.continue_button"), BuyStep(v=variant_id, a="go"))],
    ])  # fmt: skip


def promo_prompt(texts: Texts, variant_id: uuid.UUID) -> InlineKeyboardMarkup:
    return markup([[button(texts("buy.continue_button"), BuyStep(v=variant_id, a="go"))]])


def payment_choice(
    texts: Texts, variant_id: uuid.UUID, options: Sequence[tuple[str, str, str]]
) -> InlineKeyboardMarkup:
    """One button per (label, gateway, currency), then Back to the offer's card."""
    rows = [[button(label, PayWith(v=variant_id, g=gateway, c=currency))]
            for label, gateway, currency in options]  # fmt: skip
    rows.append([button(texts("buy.back_button"), OfferChosen(v=variant_id))])
    return markup(rows)


def link(text: str, url: str) -> InlineKeyboardMarkup:
    return markup([[InlineKeyboardButton(text=text, url=url)]])
