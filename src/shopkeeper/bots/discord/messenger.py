"""The notifications context's Messenger on Discord: a DM from the shop's bot.

The address is the customer's Discord user id. The DM channel is opened (POST
/users/@me/channels) and the message posted into it, link buttons as components; callback
buttons (the Telegram bot's own) have no meaning here and are left out. A person
who closed DMs or blocked the bot (50007) is "blocked" and recorded, not retried; rate limits
are the REST client's, and what is still refused is "failed".
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.discord.errors import CannotMessageUser, DiscordApiError, DiscordUnavailable
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.service.live import live_connection
from shopkeeper.container import Container
from shopkeeper.notifications import Delivery, OutboundMessage


class DiscordMessenger:
    channel = "discord"

    def __init__(self, container: Container) -> None:
        self.container = container

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        """DM the person through the shop's bot; never raises for them."""
        if not message.address.isdigit():
            return Delivery("failed", f"not a Discord user id: {message.address!r}")
        live = await live_connection(session, self.container, message.shop_id)
        if live is None:
            return Delivery("failed", "the shop has no Discord connection")
        rest = discord_runtime(self.container).rest(live.token)
        try:
            await rest.send_dm(message.address, message.text, _links(message))
        except CannotMessageUser as exc:
            return Delivery("blocked", f"{exc.discord_code} {exc.message}")
        except (DiscordApiError, DiscordUnavailable) as exc:
            return Delivery("failed", exc.detail)
        return Delivery("sent")


def _links(message: OutboundMessage) -> list[tuple[str, str]]:
    return [(b.label, b.url) for b in message.buttons if b.url]
