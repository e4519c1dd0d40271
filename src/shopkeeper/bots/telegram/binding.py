"""Plugs the Telegram adapter into the contexts' ports (called by `bootstrap.build_container`).

Access grants chats through `TelegramChatStrategy` (platform "telegram_chat"); notifications
reach customers through `TelegramMessenger` (channel "telegram").
"""

from __future__ import annotations

from shopkeeper import access, notifications
from shopkeeper.bots.telegram.access_strategy import TelegramChatStrategy
from shopkeeper.bots.telegram.messenger import TelegramMessenger
from shopkeeper.container import Container


def bind(container: Container) -> None:
    """Register the Telegram access strategy and messenger with `container`."""
    access.register_strategy(container, TelegramChatStrategy(container))
    notifications.register_messenger(container, TelegramMessenger(container))
