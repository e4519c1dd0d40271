"""Can the bot give and take a role? Discord's rules, and what to change when it cannot.

A bot manages a role when it has MANAGE_ROLES (or ADMINISTRATOR) through its roles or
@everyone, the role sits strictly below the bot's highest role, and the role is neither
@everyone nor managed by an integration. Kicking needs KICK_MEMBERS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KICK_MEMBERS = 1 << 1
ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28


@dataclass(frozen=True)
class GuildRole:
    id: str
    name: str
    position: int
    permissions: int
    managed: bool


@dataclass(frozen=True)
class BotStanding:
    """The bot in one guild: what it may do and its highest role."""

    permissions: int
    top: GuildRole | None
    is_owner: bool = False

    def has(self, permission: int) -> bool:
        return self.is_owner or bool(self.permissions & (permission | ADMINISTRATOR))


def parse_roles(payload: list[dict[str, Any]]) -> dict[str, GuildRole]:
    return {
        str(r["id"]): GuildRole(
            str(r["id"]),
            str(r.get("name", "")),
            int(r.get("position", 0)),
            int(r.get("permissions", "0")),
            bool(r.get("managed", False)),
        )
        for r in payload
    }


def standing(
    guild_id: str,
    owner_id: str,
    bot_id: str,
    roles: dict[str, GuildRole],
    member_role_ids: list[str],
) -> BotStanding:
    """The bot's permissions (@everyone's and its roles') and its highest role."""
    everyone = roles.get(guild_id)
    permissions = everyone.permissions if everyone else 0
    mine = [roles[r] for r in member_role_ids if r in roles]
    for role in mine:
        permissions |= role.permissions
    top = max(mine, key=lambda r: (r.position, -int(r.id)), default=None)
    return BotStanding(permissions, top, is_owner=owner_id == bot_id)


def role_problem(guild_id: str, bot: BotStanding, role: GuildRole) -> str:
    """ "" when the bot can give and take `role`; else exactly what the server must change."""
    if role.id == guild_id:
        return "@everyone belongs to every member and cannot be granted; choose another role"
    if role.managed:
        return (
            f"'{role.name}' is managed by an integration (a bot, a booster or a "
            "subscription role) and cannot be given by a bot; choose another role"
        )
    if not bot.has(MANAGE_ROLES):
        return "Give the bot the Manage Roles permission"
    if bot.is_owner:
        return ""
    top_position = bot.top.position if bot.top else 0
    if role.position >= top_position:
        top_name = bot.top.name if bot.top else "@everyone"
        return f"Move the role '{top_name}' above '{role.name}' in Server Settings → Roles"
    return ""


def kick_problem(bot: BotStanding) -> str:
    """The revoke mode "kick" needs Kick Members."""
    return "" if bot.has(KICK_MEMBERS) else "Give the bot the Kick Members permission"
