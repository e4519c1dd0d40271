"""The one Dispatcher: the update-scope middleware, then every feature's router in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher

from shopkeeper.bots.telegram.handlers import build_routers
from shopkeeper.bots.telegram.middleware import UpdateScope

if TYPE_CHECKING:
    from shopkeeper.bots.telegram.runtime import TelegramRuntime


def build_dispatcher(runtime: TelegramRuntime) -> Dispatcher:
    """FSM is off: conversation state lives in telegram_user rows, shared by every replica."""
    dispatcher = Dispatcher(disable_fsm=True, name="shopkeeper")
    dispatcher.update.outer_middleware(UpdateScope(runtime))
    dispatcher.include_routers(*build_routers())
    return dispatcher
