"""Shops: creation by a superuser, listings, and a caller's access to one shop."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.audit import Actor, ActorType
from shopkeeper.identity import ApiKeyPrincipal, StaffUserRead
from shopkeeper.shops.errors import ShopNotFound, SlugTaken, SuperuserRequired
from shopkeeper.shops.models import Membership, Shop
from shopkeeper.shops.permissions import ALL_PERMISSIONS, Role
from shopkeeper.shops.repository import AccessRow, ShopRepository
from shopkeeper.shops.schemas import MembershipRead, ShopAccess, ShopCreate, ShopRead


async def create_shop(
    session: AsyncSession, *, data: ShopCreate, creator: StaffUserRead, actor: Actor, now: datetime
) -> ShopRead:
    """A superuser opens a shop; its owner is `data.owner_email` or else the creator."""
    if not creator.is_superuser:
        raise SuperuserRequired()
    repo = ShopRepository(session)
    if await repo.get_by_slug(data.slug) is not None:
        raise SlugTaken(data.slug)
    owner = creator
    if data.owner_email:
        owner = await identity.get_user_by_email(session, email=data.owner_email)
    shop = repo.add(
        Shop(
            slug=data.slug,
            name=data.name.strip(),
            currency=data.currency,
            timezone=data.timezone,
            languages=data.languages,
            default_language=data.default_language or data.languages[0],
            created_at=now,
        )
    )
    await session.flush()
    session.add(Membership(shop_id=shop.id, user_id=owner.id, role=Role.OWNER, created_at=now))
    await session.flush()
    read = ShopRead.model_validate(shop)
    after = {**read.model_dump(mode="json"), "owner_email": owner.email}
    await audit.record(
        session, actor=actor, shop_id=shop.id, action="shop.created", target_type="shop",
        target_id=shop.id, after=after, now=now,
    )  # fmt: skip
    return read


async def list_shops(session: AsyncSession, *, user: StaffUserRead) -> list[ShopRead]:
    """The user's shops; every shop for a superuser."""
    repo = ShopRepository(session)
    shops = await (repo.list_all() if user.is_superuser else repo.list_for_user(user.id))
    return [ShopRead.model_validate(s) for s in shops]


async def get_shop(session: AsyncSession, *, slug: str) -> ShopRead:
    shop = await ShopRepository(session).get_by_slug(slug)
    if shop is None:
        raise ShopNotFound()
    return ShopRead.model_validate(shop)


async def get_shop_by_id(session: AsyncSession, *, shop_id: uuid.UUID) -> ShopRead:
    shop = await ShopRepository(session).get_by_id(shop_id)
    if shop is None:
        raise ShopNotFound()
    return ShopRead.model_validate(shop)


async def list_memberships(session: AsyncSession, *, user_id: uuid.UUID) -> list[MembershipRead]:
    """Every shop the user belongs to, with role and permissions (one query)."""
    grouped: dict[uuid.UUID, tuple[Shop, str, set[str]]] = {}
    for shop, role, permission in await ShopRepository(session).membership_rows(user_id):
        entry = grouped.setdefault(shop.id, (shop, role or "", set()))
        if permission:
            entry[2].add(permission)
    return [
        MembershipRead(
            shop_id=shop.id,
            shop_slug=shop.slug,
            shop_name=shop.name,
            role=Role(role),
            permissions=sorted(perms),
        )
        for shop, role, perms in grouped.values()
    ]


async def get_access(
    session: AsyncSession, *, user_id: uuid.UUID, shop_slug: str, ip: str | None = None
) -> ShopAccess:
    """The user's access to the shop; ShopNotFound when absent or the user is not staff there."""
    try:
        user = await identity.get_user(session, user_id=user_id)
    except identity.UserNotFound:
        raise ShopNotFound() from None
    return await access_for_user(session, user=user, shop_slug=shop_slug, ip=ip)


async def access_for_user(
    session: AsyncSession, *, user: StaffUserRead, shop_slug: str, ip: str | None = None
) -> ShopAccess:
    rows = await ShopRepository(session).access_rows(shop_slug, user.id)
    if not rows or not user.is_active:
        raise ShopNotFound()
    shop, role = rows[0][0], rows[0][1]
    if role is None and not user.is_superuser:
        raise ShopNotFound()
    permissions = ALL_PERMISSIONS if user.is_superuser else _permissions(rows)
    actor = Actor(type=ActorType.USER, id=user.id, label=user.email, ip=ip)
    return ShopAccess(
        shop=ShopRead.model_validate(shop),
        actor=actor,
        role=Role(role) if role else None,
        permissions=permissions,
        is_superuser=user.is_superuser,
    )


async def access_for_api_key(
    session: AsyncSession, *, key: ApiKeyPrincipal, shop_slug: str, ip: str | None = None
) -> ShopAccess:
    """An API key works for its own shop only; any other slug is 'not found'."""
    shop = await ShopRepository(session).get_by_slug(shop_slug)
    if shop is None or shop.id != key.shop_id:
        raise ShopNotFound()
    label = f"api-key:{key.prefix} ({key.name})"
    return ShopAccess(
        shop=ShopRead.model_validate(shop),
        actor=Actor(type=ActorType.API_KEY, id=key.id, label=label, ip=ip),
        role=None,
        permissions=key.permissions & ALL_PERMISSIONS,
    )


def _permissions(rows: list[AccessRow]) -> frozenset[str]:
    return frozenset(p for _, _, p in rows if p)
