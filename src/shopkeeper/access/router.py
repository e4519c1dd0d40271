"""HTTP: /api/v1/shops/{shop}/access — targets, product links, grants, the access log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from shopkeeper.access.schemas import (
    AccessLogFilter,
    AccessLogRead,
    GrantFilter,
    GrantRead,
    GrantStateName,
    LogAction,
    ManualGrant,
    ManualRevoke,
    Platform,
    TargetCreate,
    TargetRead,
    TargetUpdate,
)
from shopkeeper.access.service import grants, reads, targets
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/access", tags=["access"])
Read = Annotated[ShopAccess, require("access.read")]
Write = Annotated[ShopAccess, require("access.write")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.post("/targets", status_code=status.HTTP_201_CREATED)
async def create_target(
    data: TargetCreate, session: SessionDep, clock: ClockDep, access: Write
) -> TargetRead:
    """A chat, role, course or webhook target; link products to it to sell access."""
    return await targets.create_target(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/targets")
async def list_targets(
    session: SessionDep,
    access: Read,
    platform: Platform | None = None,
    active: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[TargetRead]:
    return await targets.list_targets(
        session, shop_id=access.shop.id, platform=platform, active=active, limit=limit,
        offset=offset,
    )  # fmt: skip


@router.get("/targets/{target_id}")
async def get_target(target_id: uuid.UUID, session: SessionDep, access: Read) -> TargetRead:
    return await targets.get_target(session, shop_id=access.shop.id, target_id=target_id)


@router.patch("/targets/{target_id}")
async def update_target(
    target_id: uuid.UUID, data: TargetUpdate, session: SessionDep, clock: ClockDep, access: Write
) -> TargetRead:
    return await targets.update_target(
        session, shop_id=access.shop.id, target_id=target_id, data=data, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.delete("/targets/{target_id}")
async def deactivate_target(
    target_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> TargetRead:
    """Deactivates (purchases grant it no more); grants and the log are kept."""
    return await targets.deactivate_target(
        session, shop_id=access.shop.id, target_id=target_id, actor=access.actor, now=clock.now()
    )


@router.put("/targets/{target_id}/products/{product_id}")
async def link_product(
    target_id: uuid.UUID, product_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> TargetRead:
    return await targets.link_product(
        session, shop_id=access.shop.id, target_id=target_id, product_id=product_id,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.delete("/targets/{target_id}/products/{product_id}")
async def unlink_product(
    target_id: uuid.UUID, product_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> TargetRead:
    return await targets.unlink_product(
        session, shop_id=access.shop.id, target_id=target_id, product_id=product_id,
        actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.get("/grants")
async def list_grants(
    session: SessionDep,
    access: Read,
    customer_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    state: GrantStateName | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[GrantRead]:
    filters = GrantFilter(customer_id=customer_id, target_id=target_id, state=state)
    return await reads.list_grants(
        session, shop_id=access.shop.id, filters=filters, limit=limit, offset=offset
    )


@router.post("/grants", status_code=status.HTTP_201_CREATED)
async def grant_manually(
    data: ManualGrant, session: SessionDep, clock: ClockDep, container: ContainerDep, access: Write
) -> GrantRead:
    """Give a customer a target by hand (lasts until revoked here)."""
    return await grants.grant_manually(
        session, container, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/grants/{grant_id}")
async def get_grant(grant_id: uuid.UUID, session: SessionDep, access: Read) -> GrantRead:
    return await grants.get_grant(session, shop_id=access.shop.id, grant_id=grant_id)


@router.post("/grants/{grant_id}/revoke")
async def revoke_grant(
    grant_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    container: ContainerDep,
    access: Write,
    data: Annotated[ManualRevoke | None, Body()] = None,
) -> GrantRead:
    """Ends the manual grant; 409 while a purchase still grants it unless `force`."""
    return await grants.revoke_manually(
        session, container, shop_id=access.shop.id, grant_id=grant_id,
        data=data or ManualRevoke(), actor=access.actor, now=clock.now(),
    )  # fmt: skip


@router.get("/log")
async def list_access_log(
    session: SessionDep,
    access: Read,
    customer_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    action: LogAction | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AccessLogRead]:
    filters = AccessLogFilter(customer_id=customer_id, target_id=target_id, action=action)
    return await reads.list_access_log(
        session, shop_id=access.shop.id, filters=filters, limit=limit, offset=offset
    )
