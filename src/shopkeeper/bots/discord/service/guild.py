"""The connected guild as the bot sees it: its roles and the bot's standing among them."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.bots.discord.hierarchy import (
    BotStanding,
    GuildRole,
    kick_problem,
    parse_roles,
    role_problem,
    standing,
)
from shopkeeper.bots.discord.rest import DiscordRest
from shopkeeper.bots.discord.service.live import Live
from shopkeeper.bots.discord.service.verify import guild_of


@dataclass(frozen=True)
class GuildView:
    guild_id: str
    roles: dict[str, GuildRole]
    bot: BotStanding
    revoke_mode: str

    def problem(self, role_id: str) -> str:
        """What stops the bot granting (in kick mode: revoking) the role; "" if nothing."""
        role = self.roles.get(role_id)
        if role is None:
            return "The role no longer exists in the server; map another role"
        problem = role_problem(self.guild_id, self.bot, role)
        if not problem and self.revoke_mode == "kick":
            problem = kick_problem(self.bot)
        return problem


async def view(rest: DiscordRest, connection: Live) -> GuildView:
    """GET the guild, its roles and the bot's member: three calls, no database."""
    guild = await guild_of(rest, connection.guild_id, connection.application_id)
    roles = parse_roles(await rest.guild_roles(connection.guild_id))
    member = await rest.member(connection.guild_id, connection.bot_user_id)
    member_roles = [str(r) for r in (member or {}).get("roles", [])]
    bot = standing(
        connection.guild_id,
        str(guild.get("owner_id", "")),
        connection.bot_user_id,
        roles,
        member_roles,
    )
    return GuildView(connection.guild_id, roles, bot, connection.revoke_mode)
