"""HTTP: /api/v1/shops/{shop}/channels — the chats a shop sells access to through its bots.

Link plans and products with the access API (`/access/targets/{target_id}/products/{id}`) or
give `product_ids` when registering. Routes that call the Bot API first end the request's
own transaction: a Telegram call never runs inside one.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from shopkeeper.bots.telegram.channels import service
from shopkeeper.bots.telegram.channels.schemas import ChannelCreate, ChannelRead, ChannelUpdate
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}/channels", tags=["channels"])
ReadBots = Annotated[ShopAccess, require("bots.read")]
WriteBots = Annotated[ShopAccess, require("bots.write")]


@router.post("", status_code=status.HTTP_201_CREATED)
async def register_channel(
    data: ChannelCreate, session: SessionDep, container: ContainerDep, access: WriteBots
) -> ChannelRead:
    """Register a channel or group: the bot must be its admin allowed to invite users via link
    and to ban users (422 says exactly what is missing)."""
    await session.commit()
    return await service.register_channel(
        container, shop_id=access.shop.id, data=data, actor=access.actor
    )


@router.get("")
async def list_channels(
    session: SessionDep,
    access: ReadBots,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[ChannelRead]:
    return await service.list_channels(
        session, shop_id=access.shop.id, active=active, limit=limit, offset=offset
    )


@router.get("/{channel_id}")
async def get_channel(channel_id: uuid.UUID, session: SessionDep, access: ReadBots) -> ChannelRead:
    return await service.get_channel(session, shop_id=access.shop.id, channel_id=channel_id)


@router.post("/{channel_id}/check")
async def check_channel(
    channel_id: uuid.UUID, session: SessionDep, container: ContainerDep, access: WriteBots
) -> ChannelRead:
    """Re-check the bot's rights with Telegram; when they are right, retry waiting grants."""
    await session.commit()
    return await service.check_channel(
        container, shop_id=access.shop.id, channel_id=channel_id, actor=access.actor
    )


@router.patch("/{channel_id}")
async def update_channel(
    channel_id: uuid.UUID, data: ChannelUpdate, session: SessionDep, clock: ClockDep,
    access: WriteBots,
) -> ChannelRead:  # fmt: skip
    return await service.update_channel(
        session, shop_id=access.shop.id, channel_id=channel_id, data=data, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.delete("/{channel_id}")
async def deactivate_channel(
    channel_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: WriteBots
) -> ChannelRead:
    """Purchases grant the chat no more; its grants, members and log are kept."""
    return await service.deactivate_channel(
        session, shop_id=access.shop.id, channel_id=channel_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip
