"""What a storefront asks of the Discord adapter: the shop's OAuth client for "Sign in with
Discord", and the Discord accounts a customer has linked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.bots.discord.repository import AccountRepository
from shopkeeper.bots.discord.schemas import DiscordAccountRead
from shopkeeper.bots.discord.service.live import live_connection
from shopkeeper.container import Container


@dataclass(frozen=True)
class OAuthClient:
    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"OAuthClient({self.client_id})"


async def oauth_client(
    session: AsyncSession, container: Container, shop_id: uuid.UUID
) -> OAuthClient | None:
    """The shop's Discord application, when it is connected with a client secret."""
    live = await live_connection(session, container, shop_id)
    if live is None or not live.client_secret:
        return None
    return OAuthClient(client_id=live.application_id, client_secret=live.client_secret)


async def sign_in_available(
    session: AsyncSession, container: Container, shop_id: uuid.UUID
) -> bool:
    return await oauth_client(session, container, shop_id) is not None


async def linked_accounts(
    session: AsyncSession, *, customer: identity.CustomerRead
) -> list[DiscordAccountRead]:
    """The customer's Discord accounts (with their usernames), latest sign-in first."""
    rows = await AccountRepository(session).of_customers(customer.shop_id, [customer.id])
    return [DiscordAccountRead.model_validate(row) for row in rows]
