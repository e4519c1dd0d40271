"""What Discord says of a bot token, an application and a guild, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopkeeper.bots.discord.errors import (
    ApplicationMismatch,
    BotNotInGuild,
    BotTokenInvalid,
    DiscordApiError,
    DiscordUnauthorized,
)
from shopkeeper.bots.discord.rest import DiscordRest
from shopkeeper.errors import Unprocessable


@dataclass(frozen=True)
class Verified:
    bot_user_id: str
    bot_username: str
    guild_name: str


async def verify(
    rest: DiscordRest, *, application_id: str, public_key: str | None, guild_id: str
) -> Verified:
    """The token is a bot's, of `application_id` (and `public_key`), and the bot is in the guild."""
    try:
        me = await rest.me()
        application = await rest.application()
    except DiscordUnauthorized:
        raise BotTokenInvalid() from None
    if not me.get("bot"):
        raise BotTokenInvalid("This is not a bot token")
    if str(application.get("id")) != application_id:
        raise ApplicationMismatch(application_id, str(application.get("id")))
    verify_key = str(application.get("verify_key") or "")
    if public_key is not None and verify_key and verify_key.lower() != public_key.lower():
        raise Unprocessable(
            "The public key does not match the application's; copy it from Developer Portal → "
            "General Information → Public Key"
        )
    guild = await guild_of(rest, guild_id, application_id)
    return Verified(
        str(me["id"]), str(me.get("username", ""))[:64], str(guild.get("name", ""))[:100]
    )


async def guild_of(rest: DiscordRest, guild_id: str, application_id: str) -> dict[str, Any]:
    try:
        return await rest.guild(guild_id)
    except DiscordApiError as exc:
        if exc.http_status in (403, 404):
            raise BotNotInGuild(guild_id, application_id) from None
        raise


def mask(secret: str) -> str:
    """`MTEx…Xyz`: enough to recognise a token or secret, never enough to use it."""
    secret = secret.strip()
    if len(secret) <= 12:
        return "…"
    head = secret.split(".", 1)[0][:8] if "." in secret else secret[:4]
    return f"{head}…{secret[-3:]}"
