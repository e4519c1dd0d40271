"""Plugs the Discord adapter into the contexts' ports (called by `bootstrap.build_container`).

Access grants roles through `DiscordRoleStrategy` (platform "discord_role"); notifications
reach customers through `DiscordMessenger` (channel "discord").
"""

from __future__ import annotations

from shopkeeper import access, notifications
from shopkeeper.bots.discord.access_strategy import DiscordRoleStrategy
from shopkeeper.bots.discord.messenger import DiscordMessenger
from shopkeeper.container import Container


def bind(container: Container) -> None:
    """Register the Discord access strategy and messenger with `container`."""
    access.register_strategy(container, DiscordRoleStrategy(container))
    notifications.register_messenger(container, DiscordMessenger(container))
