"""Staff users: creation (CLI create-admin, demo data, tests) and look-ups."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity import passwords
from shopkeeper.identity.errors import EmailTaken, UserNotFound, WeakPassword
from shopkeeper.identity.models import StaffUser
from shopkeeper.identity.policy import MIN_PASSWORD_LENGTH, normalise_email, valid_email
from shopkeeper.identity.repository import (
    RefreshTokenRepository,
    StaffUserRepository,
    WebSessionRepository,
)
from shopkeeper.identity.schemas import StaffUserRead


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    full_name: str = "",
    is_superuser: bool = False,
    now: datetime,
) -> StaffUserRead:
    """Add a staff user with an argon2id password hash; the email is stored lowercase."""
    email = valid_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(MIN_PASSWORD_LENGTH)
    repo = StaffUserRepository(session)
    if await repo.get_by_email(email) is not None:
        raise EmailTaken(email)
    user = repo.add(
        StaffUser(
            email=email,
            password_hash=await passwords.hash_password(password),
            full_name=full_name.strip()[:200],
            is_superuser=is_superuser,
            is_active=True,
            failed_logins=0,
            created_at=now,
        )
    )
    await session.flush()
    return StaffUserRead.model_validate(user)


async def get_user(session: AsyncSession, *, user_id: uuid.UUID) -> StaffUserRead:
    user = await StaffUserRepository(session).get(user_id)
    if user is None:
        raise UserNotFound()
    return StaffUserRead.model_validate(user)


async def get_user_by_email(session: AsyncSession, *, email: str) -> StaffUserRead:
    user = await StaffUserRepository(session).get_by_email(normalise_email(email))
    if user is None:
        raise UserNotFound(f"No staff user with email {normalise_email(email)}")
    return StaffUserRead.model_validate(user)


async def get_users(
    session: AsyncSession, *, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, StaffUserRead]:
    """Several users by id in one query (for member lists)."""
    users = await StaffUserRepository(session).list_by_ids(user_ids)
    return {u.id: StaffUserRead.model_validate(u) for u in users}


async def set_password(
    session: AsyncSession, *, user_id: uuid.UUID, password: str, now: datetime | None = None
) -> StaffUserRead:
    """Replace the password and lift any lock; with `now`, also end the user's sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(MIN_PASSWORD_LENGTH)
    user = await StaffUserRepository(session).get(user_id)
    if user is None:
        raise UserNotFound()
    user.password_hash = await passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    if now is not None:
        await RefreshTokenRepository(session).revoke_for_user(user_id, now)
        await WebSessionRepository(session).revoke_for_user(user_id, now)
    await session.flush()
    return StaffUserRead.model_validate(user)
