"""HTTP: /api/v1/shops/{shop}/discord — the connection, role mappings, the hierarchy check.

Permissions are the bots ones (bots.read / bots.write), as for Telegram bots. Routes that
call Discord first end the request's own transaction (the access check read in it): a
Discord call never runs inside a database transaction. Changes are audited by the service.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from shopkeeper.bots.discord.schemas import (
    ConnectionCreate,
    ConnectionRead,
    ConnectionUpdate,
    GuildRoleRead,
    RoleCheck,
    RoleMap,
    RoleMappingRead,
)
from shopkeeper.bots.discord.service import connections, roles
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}/discord", tags=["discord"])
ReadDiscord = Annotated[ShopAccess, require("bots.read")]
WriteDiscord = Annotated[ShopAccess, require("bots.write")]


@router.post("", status_code=status.HTTP_201_CREATED)
async def connect(
    data: ConnectionCreate, session: SessionDep, container: ContainerDep, access: WriteDiscord
) -> ConnectionRead:
    """Check the bot token (GET /users/@me), the application (id and public key) and that the
    bot is in the guild; store the token and client secret encrypted; register the commands."""
    await session.commit()
    return await connections.connect(
        container, shop_id=access.shop.id, data=data, actor=access.actor
    )


@router.get("")
async def read(session: SessionDep, container: ContainerDep, access: ReadDiscord) -> ConnectionRead:
    await session.commit()
    return await connections.get(container, shop_id=access.shop.id)


@router.patch("")
async def update(
    data: ConnectionUpdate, session: SessionDep, container: ContainerDep, access: WriteDiscord
) -> ConnectionRead:
    await session.commit()
    return await connections.update(
        container, shop_id=access.shop.id, data=data, actor=access.actor
    )


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect(
    session: SessionDep, container: ContainerDep, access: WriteDiscord
) -> Response:
    """Forget the token and secret; role mappings and grants stay for a reconnection."""
    await session.commit()
    await connections.disconnect(container, shop_id=access.shop.id, actor=access.actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/guild-roles")
async def guild_roles(
    session: SessionDep, container: ContainerDep, access: ReadDiscord
) -> list[GuildRoleRead]:
    """Every role of the server, highest first, and whether the bot could grant it."""
    await session.commit()
    return await roles.guild_roles(container, shop_id=access.shop.id)


@router.get("/roles")
async def list_roles(
    session: SessionDep, container: ContainerDep, access: ReadDiscord
) -> list[RoleMappingRead]:
    await session.commit()
    return await roles.list_mappings(container, shop_id=access.shop.id)


@router.post("/roles", status_code=status.HTTP_201_CREATED)
async def map_role(
    data: RoleMap, session: SessionDep, container: ContainerDep, access: WriteDiscord
) -> RoleMappingRead:
    """Buying the product grants the role; 422 with what to change when the bot cannot."""
    await session.commit()
    return await roles.map_role(container, shop_id=access.shop.id, data=data, actor=access.actor)


@router.get("/roles/check")
async def check_roles(
    session: SessionDep, container: ContainerDep, access: ReadDiscord
) -> list[RoleCheck]:
    """Ask Discord whether the bot can still manage each mapped role."""
    await session.commit()
    return await roles.check_roles(container, shop_id=access.shop.id)


@router.delete("/roles/{role_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unmap_role(
    role_id: str,
    session: SessionDep,
    container: ContainerDep,
    access: WriteDiscord,
    product_id: uuid.UUID | None = None,
) -> Response:
    """Stop granting the role for `product_id` (or every product); existing grants stay."""
    await session.commit()
    await roles.unmap(
        container,
        shop_id=access.shop.id,
        role_id=role_id,
        product_id=product_id,
        actor=access.actor,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
