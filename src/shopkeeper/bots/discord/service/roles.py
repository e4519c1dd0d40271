"""Which guild role each plan grants, and whether the bot can manage those roles.

A mapped role is an access target (platform "discord_role", external id = the role id,
settings {"guild_id"}) plus a `discord_role` row keeping the last hierarchy check. Mapping a
role the bot cannot manage is refused (422) with exactly what to change in the server.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, audit
from shopkeeper.access import Platform, TargetCreate, TargetUpdate
from shopkeeper.audit import Actor
from shopkeeper.bots.discord.errors import (
    DiscordNotConnected,
    MappingNotFound,
    RoleNotFound,
    RoleNotManageable,
)
from shopkeeper.bots.discord.hierarchy import GuildRole
from shopkeeper.bots.discord.models import DiscordRole
from shopkeeper.bots.discord.repository import RoleRepository
from shopkeeper.bots.discord.runtime import discord_runtime
from shopkeeper.bots.discord.schemas import GuildRoleRead, RoleCheck, RoleMap, RoleMappingRead
from shopkeeper.bots.discord.service import guild
from shopkeeper.bots.discord.service.connections import resume_grants
from shopkeeper.bots.discord.service.live import Live, live_connection
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.ids import new_id


async def _live(container: Container, shop_id: uuid.UUID) -> Live:
    async with container.readers() as session:
        found = await live_connection(session, container, shop_id)
    if found is None:
        raise DiscordNotConnected()
    return found


async def _view(container: Container, shop_id: uuid.UUID) -> tuple[Live, guild.GuildView]:
    live = await _live(container, shop_id)
    return live, await guild.view(discord_runtime(container).rest(live.token), live)


async def map_role(
    container: Container, *, shop_id: uuid.UUID, data: RoleMap, actor: Actor
) -> RoleMappingRead:
    """Buying the product grants the role from now on, if the bot can manage it."""
    live, view = await _view(container, shop_id)
    role = view.roles.get(data.role_id)
    if role is None:
        raise RoleNotFound(data.role_id)
    if problem := view.problem(role.id):
        raise RoleNotManageable(problem)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await _ensure_role(session, live, role, actor, now)
        await access.link_product(
            session,
            shop_id=shop_id,
            target_id=row.target_id,
            product_id=data.product_id,
            actor=actor,
            now=now,
        )
        read = await _read(session, row)
        await audit.record(
            session,
            actor=actor,
            shop_id=shop_id,
            action="discord_role.mapped",
            target_type="discord_role",
            target_id=row.id,
            after={"role_id": role.id, "name": role.name, "product_id": str(data.product_id)},
            now=now,
        )
    await resume_grants(container, shop_id)  # grants bought before the role was mapped
    return read


async def _ensure_role(
    session: AsyncSession, live: Live, role: GuildRole, actor: Actor, now: datetime
) -> DiscordRole:
    """The role's row and active target: created, revived, or adopted from the access API."""
    repo = RoleRepository(session)
    row = await repo.by_role(live.shop_id, live.guild_id, role.id)
    settings = {"guild_id": live.guild_id}
    if row is not None:
        await access.update_target(
            session,
            shop_id=live.shop_id,
            target_id=row.target_id,
            data=TargetUpdate(title=role.name, settings=settings, active=True),
            actor=actor,
            now=now,
        )
    else:
        target_id = await _target_for(session, live, role, settings, actor, now)
        row = repo.add(
            DiscordRole(
                id=new_id(),
                shop_id=live.shop_id,
                target_id=target_id,
                guild_id=live.guild_id,
                role_id=role.id,
                created_at=now,
            )
        )
    row.name, row.manageable, row.problem, row.checked_at = role.name[:100], True, "", now
    await session.flush()
    return row


async def _target_for(
    session: AsyncSession,
    live: Live,
    role: GuildRole,
    settings: dict[str, str],
    actor: Actor,
    now: datetime,
) -> uuid.UUID:
    try:
        async with session.begin_nested():
            target = await access.create_target(
                session,
                shop_id=live.shop_id,
                actor=actor,
                now=now,
                data=TargetCreate(
                    platform=Platform.DISCORD_ROLE,
                    external_id=role.id,
                    title=role.name,
                    settings=settings,
                ),
            )
            return target.id
    except access.TargetTaken:  # made through the access API: adopt it
        page = await access.list_targets(
            session, shop_id=live.shop_id, platform=Platform.DISCORD_ROLE, limit=1000
        )
        target = next(t for t in page.items if t.external_id == role.id)
        await access.update_target(
            session,
            shop_id=live.shop_id,
            target_id=target.id,
            data=TargetUpdate(title=role.name, settings=settings, active=True),
            actor=actor,
            now=now,
        )
        return target.id


async def unmap(
    container: Container,
    *,
    shop_id: uuid.UUID,
    role_id: str,
    product_id: uuid.UUID | None,
    actor: Actor,
) -> None:
    """Stop granting the role for one product, or (no product) for every one; grants stay."""
    live = await _live(container, shop_id)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await RoleRepository(session).by_role(shop_id, live.guild_id, role_id)
        if row is None:
            raise MappingNotFound()
        target = await access.get_target(session, shop_id=shop_id, target_id=row.target_id)
        products = [product_id] if product_id is not None else list(target.product_ids)
        if product_id is not None and product_id not in target.product_ids:
            raise MappingNotFound()
        for product in products:
            await access.unlink_product(
                session,
                shop_id=shop_id,
                target_id=row.target_id,
                product_id=product,
                actor=actor,
                now=now,
            )
        if product_id is None or len(target.product_ids) == 1:
            await access.deactivate_target(
                session, shop_id=shop_id, target_id=row.target_id, actor=actor, now=now
            )


async def list_mappings(container: Container, *, shop_id: uuid.UUID) -> list[RoleMappingRead]:
    live = await _live(container, shop_id)
    async with container.readers() as session:
        rows = await RoleRepository(session).of_guild(shop_id, live.guild_id)
        targets = await access.get_targets(
            session, shop_id=shop_id, target_ids=[row.target_id for row in rows]
        )  # one query for them all, not one per role
        return [_read_of(row, targets[row.target_id]) for row in rows]


async def check_roles(container: Container, *, shop_id: uuid.UUID) -> list[RoleCheck]:
    """Ask Discord again; keep each mapped role's verdict; retry waiting grants when all is well."""
    live, view = await _view(container, shop_id)
    now = container.clock.now()
    checks: list[RoleCheck] = []
    async with unit_of_work(container.sessions) as session:
        for row in await RoleRepository(session).of_guild(shop_id, live.guild_id):
            target = await access.get_target(session, shop_id=shop_id, target_id=row.target_id)
            if not target.active:
                continue
            problem = view.problem(row.role_id)
            row.manageable, row.problem, row.checked_at = not problem, problem[:300], now
            if role := view.roles.get(row.role_id):
                row.name = role.name[:100]
            checks.append(
                RoleCheck(role_id=row.role_id, name=row.name, ok=not problem, problem=problem)
            )
    if checks and all(c.ok for c in checks):
        await resume_grants(container, shop_id)
    return checks


async def guild_roles(container: Container, *, shop_id: uuid.UUID) -> list[GuildRoleRead]:
    """Every role of the guild, highest first, with whether the bot could grant it."""
    _live_conn, view = await _view(container, shop_id)
    ordered = sorted(view.roles.values(), key=lambda r: (-r.position, r.id))
    return [
        GuildRoleRead(
            id=r.id,
            name=r.name,
            position=r.position,
            managed=r.managed,
            manageable=not view.problem(r.id),
            problem=view.problem(r.id),
        )
        for r in ordered
    ]


async def _read(session: AsyncSession, row: DiscordRole) -> RoleMappingRead:
    target = await access.get_target(session, shop_id=row.shop_id, target_id=row.target_id)
    return _read_of(row, target)


def _read_of(row: DiscordRole, target: access.TargetRead) -> RoleMappingRead:
    return RoleMappingRead(
        role_id=row.role_id,
        name=row.name,
        guild_id=row.guild_id,
        target_id=row.target_id,
        product_ids=target.product_ids,
        active=target.active,
        manageable=row.manageable,
        problem=row.problem,
        checked_at=row.checked_at,
    )
