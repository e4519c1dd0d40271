"""Customers' Discord accounts: the OAuth2 tokens they gave, and finishing grants on linking.

`store_user_tokens` is what the storefront's Discord sign-in calls once it has the person's
tokens: it links the Discord id to the customer (identity merges two records of one person)
and keeps the tokens encrypted. `on_discord_linked` then retries the customer's grants that
waited for a Discord account (identity publishes no event on linking, so the sign-in calls it).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, identity
from shopkeeper.bots.discord import oauth
from shopkeeper.bots.discord.errors import DiscordApiError, DiscordUnavailable, OAuthRefused
from shopkeeper.bots.discord.models import DiscordAccount
from shopkeeper.bots.discord.oauth import DiscordTokens, DiscordUser
from shopkeeper.bots.discord.repository import AccountRepository
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.schemas import DiscordAccountRead
from shopkeeper.bots.discord.service.live import Live
from shopkeeper.container import Container
from shopkeeper.identity import IdentityKind
from shopkeeper.kit.ids import new_id

log = structlog.get_logger(__name__)
REFRESH_MARGIN = timedelta(minutes=1)


async def store_user_tokens(
    session: AsyncSession,
    container: Container,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    discord_user: DiscordUser,
    tokens: DiscordTokens,
) -> DiscordAccountRead:
    """Link `discord_user` to the customer and keep their tokens (encrypted) for guilds.join."""
    now = container.clock.now()
    customer = await identity.link_identity(
        session,
        shop_id=shop_id,
        customer_id=customer_id,
        kind=IdentityKind.DISCORD,
        value=discord_user.id,
        now=now,
    )
    row = await _account(session, shop_id, discord_user.id, customer.id, now)
    secrets = container.secrets
    row.customer_id = customer.id
    row.username = discord_user.username[:64]
    row.global_name = discord_user.global_name[:64] if discord_user.global_name else None
    row.locale = discord_user.locale[:16] if discord_user.locale else None
    row.access_token_encrypted = secrets.encrypt(tokens.access_token)
    refresh = tokens.refresh_token
    row.refresh_token_encrypted = secrets.encrypt(refresh) if refresh else ""
    row.scopes, row.expires_at = " ".join(tokens.scopes)[:200], tokens.expires_at(now)
    row.updated_at = now
    await session.flush()
    return DiscordAccountRead.model_validate(row)


async def _account(
    session: AsyncSession,
    shop_id: uuid.UUID,
    discord_user_id: str,
    customer_id: uuid.UUID,
    now: datetime,
) -> DiscordAccount:
    repo = AccountRepository(session)
    row = await repo.get(shop_id, discord_user_id, lock=True)
    if row is not None:
        return row
    fresh = DiscordAccount(
        id=new_id(),
        shop_id=shop_id,
        discord_user_id=discord_user_id,
        customer_id=customer_id,
        username="",
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            repo.add(fresh)
            await session.flush()
        return fresh
    except IntegrityError:  # a concurrent sign-in of the same person stored it first
        found = await repo.get(shop_id, discord_user_id, lock=True)
        assert found is not None
        return found


async def on_discord_linked(
    session: AsyncSession, container: Container, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> int:
    """Retry the customer's waiting grants now that Discord is linked; how many changed.

    In a savepoint: Discord failing must not undo the sign-in; the grants stay open and are
    retried by `discord.resume_grants` or the next sign-in."""
    try:
        async with session.begin_nested():
            customer = await identity.get_customer(
                session, shop_id=shop_id, customer_id=customer_id
            )
            return await access.resume_for_customer(
                session, container, shop_id=shop_id, customer_id=customer.id
            )
    except (DiscordApiError, DiscordUnavailable) as exc:
        log.warning("discord.resume_failed", shop_id=str(shop_id), error=exc.detail)
        return 0


async def discord_ids(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> list[str]:
    """The customer's Discord user ids (following merges), most recently signed in first."""
    customers = {customer_id}
    linked: list[str] = []
    try:
        customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
        customers.add(customer.id)
        linked = [i.value for i in customer.identities if i.kind == IdentityKind.DISCORD]
    except identity.CustomerNotFound:
        pass
    accounts = await AccountRepository(session).of_customers(shop_id, customers)
    return list(dict.fromkeys([*(a.discord_user_id for a in accounts), *linked]))


async def join_token(
    session: AsyncSession, container: Container, live: Live, discord_user_id: str
) -> str | None:
    """A live `guilds.join` access token of the user, refreshed when expired; else None."""
    row = await AccountRepository(session).get(live.shop_id, discord_user_id, lock=True)
    if row is None or "guilds.join" not in row.scopes.split() or not row.access_token_encrypted:
        return None
    now = container.clock.now()
    if row.expires_at is None or row.expires_at > now + REFRESH_MARGIN:
        return container.secrets.decrypt(row.access_token_encrypted)
    if not row.refresh_token_encrypted or not live.client_secret:
        return None
    runtime = discord_runtime(container)
    try:
        tokens = await oauth.refresh_tokens(
            runtime.http,
            runtime.base_url,
            live.application_id,
            live.client_secret,
            container.secrets.decrypt(row.refresh_token_encrypted),
        )
    except OAuthRefused as exc:  # revoked by the user: they must sign in again
        log.info("discord.refresh_refused", user=discord_user_id, error=exc.detail)
        row.access_token_encrypted = row.refresh_token_encrypted = ""
        return None
    row.access_token_encrypted = container.secrets.encrypt(tokens.access_token)
    if tokens.refresh_token:
        row.refresh_token_encrypted = container.secrets.encrypt(tokens.refresh_token)
    row.expires_at, row.updated_at = tokens.expires_at(now), now
    return tokens.access_token
