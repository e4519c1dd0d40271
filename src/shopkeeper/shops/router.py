"""HTTP: /api/v1/shops — list and create shops, read one, manage its members."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from shopkeeper.audit import Actor, ActorType, OriginDep
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.identity.deps import CurrentUserDep
from shopkeeper.shops.deps import require
from shopkeeper.shops.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    ShopAccess,
    ShopCreate,
    ShopRead,
    ShopUpdate,
)
from shopkeeper.shops.service import members, profile, shops

router = APIRouter(prefix="/api/v1/shops", tags=["shops"])


@router.get("")
async def list_shops(session: SessionDep, user: CurrentUserDep) -> list[ShopRead]:
    """The caller's shops (every shop for a platform superuser)."""
    return await shops.list_shops(session, user=user)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_shop(
    data: ShopCreate, session: SessionDep, user: CurrentUserDep, origin: OriginDep, clock: ClockDep
) -> ShopRead:
    """Superuser only; the owner is `owner_email` or else the creator."""
    actor = Actor(
        type=ActorType.USER,
        id=user.id,
        label=user.email,
        ip=origin.ip,
        correlation_id=origin.correlation_id,
    )
    return await shops.create_shop(session, data=data, creator=user, actor=actor, now=clock.now())


@router.get("/{shop}")
async def get_shop(access: Annotated[ShopAccess, require("shop.read")]) -> ShopRead:
    return access.shop


@router.patch("/{shop}")
async def update_shop(
    data: ShopUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: Annotated[ShopAccess, require("shop.update")],
) -> ShopRead:
    """Change the profile (name, currency, time zone, languages); the slug stays."""
    return await profile.update_shop(session, access=access, data=data, now=clock.now())


@router.get("/{shop}/members")
async def list_members(
    session: SessionDep, access: Annotated[ShopAccess, require("members.read")]
) -> list[MemberRead]:
    return await members.list_members(session, access=access)


@router.post("/{shop}/members", status_code=status.HTTP_201_CREATED)
async def add_member(
    data: MemberCreate,
    session: SessionDep,
    clock: ClockDep,
    access: Annotated[ShopAccess, require("members.manage")],
) -> MemberRead:
    """Give an existing staff user (by email) a role; only an owner may grant owner."""
    return await members.add_member(
        session, access=access, email=data.email, role=data.role, now=clock.now()
    )


@router.patch("/{shop}/members/{user_id}")
async def change_member(
    user_id: uuid.UUID,
    data: MemberUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: Annotated[ShopAccess, require("members.manage")],
) -> MemberRead:
    return await members.change_member_role(
        session, access=access, user_id=user_id, role=data.role, now=clock.now()
    )


@router.delete("/{shop}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    user_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: Annotated[ShopAccess, require("members.manage")],
) -> Response:
    """409 when it would leave the shop without an owner."""
    await members.remove_member(session, access=access, user_id=user_id, now=clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
