"""The bots pages' words for what Telegram and Discord answered, in the reader's language:
the contexts' typed errors, the rights a bot needs in a chat, what a Discord role lacks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shopkeeper.bots import discord, telegram
from shopkeeper.bots.telegram import channels
from shopkeeper.errors import AppError
from shopkeeper.web.admin.forms import Gettext


def scrub(text: str, secret: str | None) -> str:
    """Never show a token back, even inside a message that quotes what was sent."""
    return text.replace(secret, "…") if secret else text


def telegram_error(exc: AppError, _: Gettext, *, secret: str | None = None) -> str:
    """What a bot or channel call to Telegram ended with, for the person who asked."""
    detail = scrub(exc.detail, secret)
    if isinstance(exc, telegram.BotTokenInvalid):
        if detail.startswith("This is not a bot token"):
            return _("This is not a bot token: it looks like 123456789:AAE… (digits, a colon, "
                     "then letters).")  # fmt: skip
        return _("Telegram does not accept this token. Copy the token @BotFather gave you; "
                 "if it was revoked, ask @BotFather for a new one.")  # fmt: skip
    if isinstance(exc, telegram.BotAlreadyConnected):
        return _("This bot is already connected (to this shop or another one).")
    if isinstance(exc, telegram.WebhookNotUsed):
        return _("This bot uses long polling: it has no webhook to set.")
    if isinstance(exc, telegram.TelegramUnavailable):
        reason = detail.removeprefix("Telegram Bot API unavailable: ")
        return _("Telegram could not be reached or refused the call; nothing was changed. "
                 "Telegram said: %(reason)s", reason=reason)  # fmt: skip
    return detail


@dataclass(frozen=True)
class Right:
    """One right the bot needs in a chat: its name, whether the last check found it, the fix."""

    name: str
    present: bool
    fix: str


def rights(problems: list[str], _: Gettext) -> list[Right]:
    """Every right a channel needs, present or missing (not an admin: none of them); then any
    problem the check named that this page does not know, as the context worded it."""
    names = {
        channels.MAKE_ADMIN: _("Administrator of the chat"),
        channels.INVITE: _("Invite users via link (“Add subscribers” in a channel)"),
        channels.BAN: _("Ban users (to remove people whose access ended)"),
    }
    fixes = {
        channels.MAKE_ADMIN: _("Make the bot an administrator of the chat."),
        channels.INVITE: _("Give it the right “Invite users via link”."),
        channels.BAN: _("Give it the right “Ban users”."),
    }
    not_admin = channels.MAKE_ADMIN in problems
    found = [Right(names[r], not (not_admin or r in problems), fixes[r]) for r in channels.REQUIRED]
    return found + [Right(p, False, "") for p in problems if p not in names]


def problem_words(problems: list[str], _: Gettext) -> str:
    """A refused registration's missing rights (the context joins them with "; ")."""
    return " ".join(r.fix or r.name for r in rights(problems, _) if not r.present)


_MOVE = re.compile(r"^Move the role '(.*)' above '(.*)' in Server Settings → Roles$", re.S)


def role_problem(problem: str, _: Gettext) -> str:
    """Why the bot cannot give a Discord role (hierarchy.role_problem), in the reader's words."""
    if not problem:
        return ""
    if moved := _MOVE.match(problem):
        return _("The bot's role “%(top)s” must be above “%(role)s”: move it up in Server "
                 "Settings → Roles.", top=moved.group(1), role=moved.group(2))  # fmt: skip
    if problem.startswith("@everyone"):
        return _("@everyone belongs to every member and cannot be granted; choose another role.")
    if "is managed by an integration" in problem:
        return _("This role is managed by an integration (a bot, boosts or a subscription) and "
                 "cannot be given by a bot; choose another role.")  # fmt: skip
    if problem == "Give the bot the Manage Roles permission":
        return _("Give the bot the Manage Roles permission.")
    return problem


def discord_error(exc: AppError, _: Gettext) -> str:
    if isinstance(exc, discord.RoleNotManageable):
        return role_problem(exc.detail, _)
    if isinstance(exc, discord.DiscordUnavailable):
        return _("Discord could not be reached; nothing was changed. Try again in a moment.")
    if isinstance(exc, discord.DiscordApiError):
        return _("Discord refused the call: %(reason)s", reason=exc.message)
    if isinstance(exc, discord.DiscordNotConnected):
        return _("This shop has no Discord connection.")
    return exc.detail
