"""All SQL of shops, memberships and the role → permission table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.shops.models import Membership, RolePermission, Shop
from shopkeeper.shops.permissions import Role

AccessRow = tuple[Shop, str | None, str | None]

# Built once: every shop-scoped request runs these (building a statement costs about as much
# as running it; the compiled form is cached by SQLAlchemy either way).
_BY_SLUG = select(Shop).where(Shop.slug == bindparam("slug"))
_ACCESS_ROWS = (
    select(Shop, Membership.role, RolePermission.permission)
    .outerjoin(
        Membership,
        and_(Membership.shop_id == Shop.id, Membership.user_id == bindparam("user_id")),
    )
    .outerjoin(RolePermission, RolePermission.role == Membership.role)
    .where(Shop.slug == bindparam("slug"))
)
_MEMBERSHIP_ROWS = (
    select(Shop, Membership.role, RolePermission.permission)
    .join(Membership, Membership.shop_id == Shop.id)
    .outerjoin(RolePermission, RolePermission.role == Membership.role)
    .where(Membership.user_id == bindparam("user_id"))
    .order_by(Shop.name, Shop.slug)
)


class ShopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, shop: Shop) -> Shop:
        self.session.add(shop)
        return shop

    async def get_by_id(self, shop_id: uuid.UUID) -> Shop | None:
        return await self.session.get(Shop, shop_id)

    async def get_by_slug(self, slug: str) -> Shop | None:
        return await self.session.scalar(_BY_SLUG, {"slug": slug})

    async def list_all(self) -> Sequence[Shop]:
        return (await self.session.scalars(select(Shop).order_by(Shop.name, Shop.slug))).all()

    async def list_for_user(self, user_id: uuid.UUID) -> Sequence[Shop]:
        stmt = (
            select(Shop)
            .join(Membership, Membership.shop_id == Shop.id)
            .where(Membership.user_id == user_id)
            .order_by(Shop.name, Shop.slug)
        )
        return (await self.session.scalars(stmt)).all()

    async def access_rows(self, slug: str, user_id: uuid.UUID) -> list[AccessRow]:
        """The shop, the user's role in it and each permission of that role, in one query."""
        rows = await self.session.execute(_ACCESS_ROWS, {"slug": slug, "user_id": user_id})
        return [(r[0], r[1], r[2]) for r in rows.all()]

    async def membership_rows(self, user_id: uuid.UUID) -> list[AccessRow]:
        """Every shop of the user with role and permissions, in one query."""
        rows = await self.session.execute(_MEMBERSHIP_ROWS, {"user_id": user_id})
        return [(r[0], r[1], r[2]) for r in rows.all()]


class MembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, membership: Membership) -> Membership:
        self.session.add(membership)
        return membership

    async def get(self, shop_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        stmt = select(Membership).where(
            Membership.shop_id == shop_id, Membership.user_id == user_id
        )
        return await self.session.scalar(stmt)

    async def list_for_shop(self, shop_id: uuid.UUID) -> Sequence[Membership]:
        stmt = (
            select(Membership)
            .where(Membership.shop_id == shop_id)
            .order_by(Membership.created_at, Membership.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def lock_owners(self, shop_id: uuid.UUID) -> int:
        """Count owners with their rows locked (PostgreSQL), so two removals cannot race."""
        stmt = (
            select(Membership.id)
            .where(Membership.shop_id == shop_id, Membership.role == Role.OWNER.value)
            .with_for_update()
        )
        return len((await self.session.scalars(stmt)).all())

    async def delete(self, membership: Membership) -> None:
        await self.session.delete(membership)
