"""Shop members: list, add, change role, remove; an owner is always left."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.identity import StaffUserRead
from shopkeeper.shops.errors import AlreadyMember, LastOwner, MemberNotFound, OwnerRequired
from shopkeeper.shops.models import Membership
from shopkeeper.shops.permissions import Role
from shopkeeper.shops.repository import MembershipRepository
from shopkeeper.shops.schemas import MemberRead, ShopAccess


async def list_members(session: AsyncSession, *, access: ShopAccess) -> list[MemberRead]:
    rows = await MembershipRepository(session).list_for_shop(access.shop.id)
    users = await identity.get_users(session, user_ids=[m.user_id for m in rows])
    return [_read(m, users[m.user_id]) for m in rows if m.user_id in users]


async def add_member(
    session: AsyncSession, *, access: ShopAccess, email: str, role: Role, now: datetime
) -> MemberRead:
    """Give an existing staff user a role in the shop; only an owner may grant owner."""
    if role is Role.OWNER and not access.may_manage_owners:
        raise OwnerRequired()
    user = await identity.get_user_by_email(session, email=email)
    repo = MembershipRepository(session)
    if await repo.get(access.shop.id, user.id) is not None:
        raise AlreadyMember(user.email)
    membership = repo.add(
        Membership(shop_id=access.shop.id, user_id=user.id, role=role.value, created_at=now)
    )
    await session.flush()
    member = _read(membership, user)
    await _audit(session, access, "member.added", user.id, None, member, now)
    return member


async def change_member_role(
    session: AsyncSession, *, access: ShopAccess, user_id: uuid.UUID, role: Role, now: datetime
) -> MemberRead:
    repo = MembershipRepository(session)
    membership = await _get(repo, access, user_id)
    current = Role(membership.role)
    if Role.OWNER in (current, role) and current is not role and not access.may_manage_owners:
        raise OwnerRequired()
    if current is Role.OWNER and role is not Role.OWNER:
        await _keep_an_owner(repo, access.shop.id)
    user = await identity.get_user(session, user_id=user_id)
    before = _read(membership, user)
    membership.role = role.value
    await session.flush()
    after = _read(membership, user)
    if before.role is not after.role:
        await _audit(session, access, "member.role_changed", user_id, before, after, now)
    return after


async def remove_member(
    session: AsyncSession, *, access: ShopAccess, user_id: uuid.UUID, now: datetime
) -> None:
    repo = MembershipRepository(session)
    membership = await _get(repo, access, user_id)
    if membership.role == Role.OWNER.value:
        if not access.may_manage_owners:
            raise OwnerRequired()
        await _keep_an_owner(repo, access.shop.id)
    user = await identity.get_user(session, user_id=user_id)
    before = _read(membership, user)
    await repo.delete(membership)
    await session.flush()
    await _audit(session, access, "member.removed", user_id, before, None, now)


async def _get(repo: MembershipRepository, access: ShopAccess, user_id: uuid.UUID) -> Membership:
    membership = await repo.get(access.shop.id, user_id)
    if membership is None:
        raise MemberNotFound()
    return membership


async def _keep_an_owner(repo: MembershipRepository, shop_id: uuid.UUID) -> None:
    if await repo.lock_owners(shop_id) <= 1:
        raise LastOwner()


def _read(membership: Membership, user: StaffUserRead) -> MemberRead:
    return MemberRead(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=Role(membership.role),
        created_at=membership.created_at,
    )


async def _audit(
    session: AsyncSession,
    access: ShopAccess,
    action: str,
    user_id: uuid.UUID,
    before: MemberRead | None,
    after: MemberRead | None,
    now: datetime,
) -> None:
    await audit.record(
        session,
        actor=access.actor,
        shop_id=access.shop.id,
        action=action,
        target_type="member",
        target_id=user_id,
        before=before.model_dump(mode="json") if before else None,
        after=after.model_dump(mode="json") if after else None,
        now=now,
    )
