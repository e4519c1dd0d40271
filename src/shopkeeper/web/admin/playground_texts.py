"""The playground page's words for what happened: action outcomes, chat notes, statuses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from babel.numbers import format_currency, get_currency_precision

from shopkeeper.bots.telegram.playground import MessageView, Outcome

Gettext = Callable[..., str]


def amount(value: int, currency: str, language: str) -> str:
    """`⭐ 250` for Telegram Stars, else the money in the reader's format."""
    if currency == "XTR":
        return f"⭐ {value}"
    digits = get_currency_precision(currency)
    return str(format_currency(value / 10**digits, currency, locale=language))


def _said(_: Gettext, key: str, values: Mapping[str, Any], language: str) -> str:
    title = str(values.get("title", ""))
    money = amount(int(values.get("amount", 0)), str(values.get("currency", "XTR")), language)
    words = {
        "empty_message": lambda: _("Write a message first."),
        "message_too_long": lambda: _(
            "A message can have at most %(limit)s characters.", limit=values.get("limit", 4096)
        ),
        "message_gone": lambda: _("That message is no longer there."),
        "button_gone": lambda: _("That button is no longer there."),
        "language_unknown": lambda: _("Choose English, Russian or Polish."),
        "language_saved": lambda: _("Your Telegram app now uses this language."),
        "invoice_unknown": lambda: _("This invoice is not yours to pay."),
        "invoice_paid": lambda: _("This invoice has already been paid."),
        "payment_unanswered": lambda: _("The bot did not confirm the order, so nothing was paid."),
        "payment_declined": lambda: _(
            "The bot declined the payment: %(reason)s", reason=values.get("reason", "")
        ),
        "paid": lambda: _(
            "You paid %(amount)s for %(title)s.", amount=money, title=values.get("title", "")
        ),
        "link_unknown": lambda: _("This invite link is not one of the playground's."),
        "banned": lambda: _("You are banned from %(title)s.", title=title),
        "already_member": lambda: _("You are already in %(title)s.", title=title),
        "join_pending": lambda: _("Your request to join %(title)s is waiting.", title=title),
        "link_revoked": lambda: _("This invite link was revoked."),
        "link_expired": lambda: _("This invite link has expired."),
        "link_full": lambda: _("This invite link has been used up."),
        "joined": lambda: _("You joined %(title)s.", title=title),
        "join_requested": lambda: _("You asked to join %(title)s.", title=title),
        "not_member": lambda: _("You are not in that channel."),
        "left": lambda: _("You left %(title)s.", title=title),
    }
    found = words.get(key)
    return found() if found else key


def outcome_text(_: Gettext, outcome: Outcome, language: str) -> str:
    """The toast an action shows ("" when there is nothing to say)."""
    if outcome.key == "bot_answer":
        return str(outcome.values.get("text", ""))
    return _said(_, outcome.key, outcome.values, language) if outcome.key else ""


def note_text(_: Gettext, message: MessageView, language: str) -> str:
    return _said(_, message.note, message.note_values, language)


def member_status(_: Gettext, status: str) -> str:
    return {
        "member": _("member"),
        "left": _("left"),
        "kicked": _("removed"),
        "requested": _("asked to join"),
    }.get(status, status)
