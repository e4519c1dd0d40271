"""Connecting a shop to its Discord application and guild; reading, changing, disconnecting.

Like the Telegram bots service, no Discord call runs inside a database transaction: a flow
asks Discord (token, application, guild), then writes in a short unit of work of its own,
then registers the slash commands. Tokens and client secrets are stored encrypted and come
back only as masks. Every change is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError

from shopkeeper import access, audit
from shopkeeper.access import Platform
from shopkeeper.audit import Actor
from shopkeeper.bots.discord import commands
from shopkeeper.bots.discord.errors import (
    ApplicationTaken,
    DiscordAlreadyConnected,
    DiscordApiError,
    DiscordNotConnected,
    DiscordUnavailable,
)
from shopkeeper.bots.discord.models import DiscordConnection
from shopkeeper.bots.discord.repository import ConnectionRepository
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.schemas import ConnectionCreate, ConnectionRead, ConnectionUpdate
from shopkeeper.bots.discord.service.verify import Verified, mask, verify
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.ids import new_id

log = structlog.get_logger(__name__)


def interactions_url(container: Container, application_id: str) -> str:
    base = (container.settings.public_url or "").rstrip("/")
    return f"{base}/discord/interactions/{application_id}"


def read_of(container: Container, row: DiscordConnection) -> ConnectionRead:
    read = ConnectionRead.model_validate(row)
    return read.model_copy(
        update={"interactions_url": interactions_url(container, row.application_id)}
    )


def bot_token(container: Container, row: DiscordConnection) -> str:
    return container.secrets.decrypt(row.token_encrypted)


async def connect(
    container: Container, *, shop_id: uuid.UUID, data: ConnectionCreate, actor: Actor
) -> ConnectionRead:
    """Verify with Discord, store (one shop per application), register the commands."""
    async with container.readers() as session:
        if await ConnectionRepository(session).active_of_shop(shop_id) is not None:
            raise DiscordAlreadyConnected()
    token = data.bot_token.strip()
    rest = discord_runtime(container).rest(token)
    found = await verify(
        rest, application_id=data.application_id, public_key=data.public_key, guild_id=data.guild_id
    )
    row_id = await _store(container, shop_id, data, token, found, actor)
    await register_commands(container, shop_id)
    await resume_grants(container, shop_id)
    return await get(container, shop_id=shop_id, row_id=row_id)


async def _store(
    container: Container,
    shop_id: uuid.UUID,
    data: ConnectionCreate,
    token: str,
    found: Verified,
    actor: Actor,
) -> uuid.UUID:
    now, secrets = container.clock.now(), container.secrets
    secret = (data.client_secret or "").strip()
    fields: dict[str, Any] = {
        "application_id": data.application_id,
        "public_key": data.public_key.lower(),
        "bot_user_id": found.bot_user_id,
        "bot_username": found.bot_username,
        "token_encrypted": secrets.encrypt(token),
        "token_mask": mask(token),
        "client_secret_encrypted": secrets.encrypt(secret) if secret else "",
        "client_secret_mask": mask(secret) if secret else "",
        "guild_id": data.guild_id,
        "guild_name": found.guild_name,
        "revoke_mode": data.revoke_mode,
        "active": True,
        "commands_registered_at": None,
        "commands_error": "",
        "updated_at": now,
        "disconnected_at": None,
    }
    try:
        async with unit_of_work(container.sessions) as session:
            repo = ConnectionRepository(session)
            row = await repo.of_shop(shop_id, lock=True)
            if row is not None and row.active:  # a concurrent attempt connected it first
                raise DiscordAlreadyConnected()
            if row is None:
                row = repo.add(DiscordConnection(id=new_id(), shop_id=shop_id, created_at=now))
            for name, value in fields.items():
                setattr(row, name, value)
            await session.flush()
            await _audit(
                session,
                actor,
                row,
                "discord_connection.connected",
                None,
                _facts(container, row),
                now,
            )
            return row.id
    except IntegrityError as exc:  # a concurrent connection, or the application elsewhere
        if "shop_id" in str(exc.orig):
            raise DiscordAlreadyConnected() from None
        raise ApplicationTaken(data.application_id) from None


async def get(
    container: Container, *, shop_id: uuid.UUID, row_id: uuid.UUID | None = None
) -> ConnectionRead:
    """The shop's live connection (DiscordNotConnected when there is none)."""
    async with container.readers() as session:
        row = await ConnectionRepository(session).active_of_shop(shop_id)
        if row is None or (row_id is not None and row.id != row_id):
            raise DiscordNotConnected()
        return read_of(container, row)


async def update(
    container: Container, *, shop_id: uuid.UUID, data: ConnectionUpdate, actor: Actor
) -> ConnectionRead:
    """Change what is given; a new token or guild is verified first, then commands re-sent."""
    async with container.readers() as session:
        known = await ConnectionRepository(session).active_of_shop(shop_id)
        if known is None:
            raise DiscordNotConnected()
        application_id, guild_id = known.application_id, known.guild_id
        token = bot_token(container, known)
    changes = data.model_dump(exclude_none=True)
    found: Verified | None = None
    if "bot_token" in changes or "guild_id" in changes or "public_key" in changes:
        token = changes.get("bot_token", token).strip()
        found = await verify(
            discord_runtime(container).rest(token),
            application_id=application_id,
            public_key=changes.get("public_key"),
            guild_id=changes.get("guild_id", guild_id),
        )
    await _apply(container, shop_id, changes, token, found, actor)
    if found is not None:
        await register_commands(container, shop_id)
        await resume_grants(container, shop_id)
    return await get(container, shop_id=shop_id)


async def _apply(
    container: Container,
    shop_id: uuid.UUID,
    changes: dict[str, Any],
    token: str,
    found: Verified | None,
    actor: Actor,
) -> None:
    now, secrets = container.clock.now(), container.secrets
    async with unit_of_work(container.sessions) as session:
        row = await ConnectionRepository(session).of_shop(shop_id, lock=True)
        if row is None or not row.active:
            raise DiscordNotConnected()
        before = _facts(container, row)
        if "bot_token" in changes:
            row.token_encrypted, row.token_mask = secrets.encrypt(token), mask(token)
        if "client_secret" in changes:
            secret = changes["client_secret"].strip()
            row.client_secret_encrypted, row.client_secret_mask = (
                secrets.encrypt(secret),
                mask(secret),
            )
        for name in ("public_key", "guild_id", "revoke_mode"):
            if name in changes:
                setattr(row, name, changes[name].lower() if name == "public_key" else changes[name])
        if found is not None:
            row.bot_user_id, row.bot_username = found.bot_user_id, found.bot_username
            row.guild_name = found.guild_name
        after = _facts(container, row)
        if after != before:
            row.updated_at = now
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            await _audit(
                session,
                actor,
                row,
                "discord_connection.updated",
                {k: before[k] for k in changed},
                changed,
                now,
            )


async def disconnect(container: Container, *, shop_id: uuid.UUID, actor: Actor) -> None:
    """Forget the token and secret; role mappings and grants stay for a reconnection."""
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await ConnectionRepository(session).of_shop(shop_id, lock=True)
        if row is None or not row.active:
            raise DiscordNotConnected()
        before = _facts(container, row)
        row.active, row.token_encrypted, row.client_secret_encrypted = False, "", ""
        row.disconnected_at = row.updated_at = now
        await _audit(
            session, actor, row, "discord_connection.disconnected", before, {"active": False}, now
        )


async def register_commands(container: Container, shop_id: uuid.UUID) -> None:
    """Send the slash commands to the guild; a failure is kept on the row, not raised."""
    async with container.readers() as session:
        row = await ConnectionRepository(session).active_of_shop(shop_id)
        if row is None:
            return
        application_id, guild_id, token = (
            row.application_id,
            row.guild_id,
            bot_token(container, row),
        )
    error = ""
    try:
        await commands.register(discord_runtime(container).rest(token), application_id, guild_id)
    except (DiscordApiError, DiscordUnavailable) as exc:
        error = exc.detail[:300]
        log.warning("discord.commands_not_registered", shop_id=str(shop_id), error=error)
    async with unit_of_work(container.sessions) as session:
        row = await ConnectionRepository(session).of_shop(shop_id, lock=True)
        if row is not None and row.active:
            row.commands_error = error
            row.commands_registered_at = None if error else container.clock.now()


async def resume_grants(container: Container, shop_id: uuid.UUID) -> None:
    """Grants that waited for a working connection are tried again (failures stay pending)."""
    try:
        async with unit_of_work(container.sessions) as session:
            await access.resume_for_platform(
                session, container, shop_id=shop_id, platform=Platform.DISCORD_ROLE
            )
    except (DiscordApiError, DiscordUnavailable) as exc:
        log.warning("discord.resume_failed", shop_id=str(shop_id), error=exc.detail)


def _facts(container: Container, row: DiscordConnection) -> dict[str, Any]:
    """What the audit log keeps of a connection: everything but secrets (masks only)."""
    return read_of(container, row).model_dump(
        mode="json",
        include={
            "application_id",
            "public_key",
            "bot_user_id",
            "token_mask",
            "client_secret_mask",
            "guild_id",
            "guild_name",
            "revoke_mode",
            "active",
        },
    )


async def _audit(
    session: Any,
    actor: Actor,
    row: DiscordConnection,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    now: Any,
) -> None:
    await audit.record(
        session,
        actor=actor,
        shop_id=row.shop_id,
        action=action,
        target_type="discord_connection",
        target_id=row.id,
        before=before,
        after=after,
        now=now,
    )
