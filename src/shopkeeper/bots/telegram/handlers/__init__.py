"""The bot's features as aiogram Routers, one module each; `build_routers()` in order.

A module exposes `router() -> Router` (a fresh one per Dispatcher: a Router joins one
parent only). Order matters: the `fallback` router goes last so that a feature added later
answers its menu item before the "not available yet" reply does.
"""

from __future__ import annotations

from aiogram import Router

from shopkeeper.bots.telegram.handlers import (
    buy,
    channels,
    fallback,
    language,
    membership,
    notifications,
    payments,
    reachability,
    start,
    status,
)
from shopkeeper.bots.telegram.handlers import help as help_handlers


def build_routers() -> list[Router]:
    return [
        start.router(),
        help_handlers.router(),
        language.router(),
        reachability.router(),
        payments.router(),
        buy.router(),
        status.router(),
        channels.router(),
        membership.router(),
        notifications.router(),
        fallback.router(),  # keep last
    ]
