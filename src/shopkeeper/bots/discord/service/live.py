"""A shop's live connection as the other flows use it: plain values, the token decrypted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.discord.models import DiscordConnection
from shopkeeper.bots.discord.repository import ConnectionRepository
from shopkeeper.container import Container


@dataclass(frozen=True)
class Live:
    shop_id: uuid.UUID
    application_id: str
    public_key: str
    guild_id: str
    bot_user_id: str
    revoke_mode: str
    token: str
    client_secret: str

    def __repr__(self) -> str:  # never print the token
        return f"Live(shop={self.shop_id}, application={self.application_id})"


def _live(container: Container, row: DiscordConnection) -> Live:
    secret = row.client_secret_encrypted
    return Live(
        shop_id=row.shop_id,
        application_id=row.application_id,
        public_key=row.public_key,
        guild_id=row.guild_id,
        bot_user_id=row.bot_user_id,
        revoke_mode=row.revoke_mode,
        token=container.secrets.decrypt(row.token_encrypted),
        client_secret=container.secrets.decrypt(secret) if secret else "",
    )


async def live_connection(
    session: AsyncSession, container: Container, shop_id: uuid.UUID
) -> Live | None:
    row = await ConnectionRepository(session).active_of_shop(shop_id)
    return _live(container, row) if row is not None else None


async def live_by_application(
    session: AsyncSession, container: Container, application_id: str
) -> Live | None:
    row = await ConnectionRepository(session).active_by_application(application_id)
    return _live(container, row) if row is not None else None
