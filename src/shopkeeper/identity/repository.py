"""All SQL of staff users, refresh tokens, web sessions and API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.models import ApiKey, RefreshToken, StaffUser, WebSession

# Built once: every request with a staff token runs it.
_ACTIVE_WITH_FAMILY = select(
    StaffUser,
    exists()
    .where(RefreshToken.family_id == bindparam("family_id"), RefreshToken.revoked_at.is_not(None))
    .correlate(None),
).where(StaffUser.id == bindparam("user_id"), StaffUser.is_active)


class StaffUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, user: StaffUser) -> StaffUser:
        self.session.add(user)
        return user

    async def get(self, user_id: uuid.UUID) -> StaffUser | None:
        return await self.session.get(StaffUser, user_id)

    async def get_by_email(self, email: str) -> StaffUser | None:
        return await self.session.scalar(select(StaffUser).where(StaffUser.email == email))

    async def get_for_login(self, email: str) -> StaffUser | None:
        """The user row, locked on PostgreSQL so concurrent failures count exactly."""
        stmt = select(StaffUser).where(StaffUser.email == email).with_for_update()
        return await self.session.scalar(stmt)

    async def get_active_with_family(
        self, user_id: uuid.UUID, family_id: uuid.UUID | None
    ) -> tuple[StaffUser, bool] | None:
        """The active user and whether the token's refresh family was revoked, in one query.

        A token without a family (none is revoked then) compares with NULL: never revoked.
        """
        values = {"user_id": user_id, "family_id": family_id}
        row = (await self.session.execute(_ACTIVE_WITH_FAMILY, values)).first()
        return None if row is None else (row[0], bool(row[1]))

    async def list_by_ids(self, user_ids: list[uuid.UUID]) -> list[StaffUser]:
        if not user_ids:
            return []
        return list(await self.session.scalars(select(StaffUser).where(StaffUser.id.in_(user_ids))))


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, token: RefreshToken) -> RefreshToken:
        self.session.add(token)
        return token

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        stmt = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        return await self.session.scalar(stmt)

    async def mark_rotated(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Rotate only if nobody did it first: exactly one concurrent caller gets True."""
        stmt = (
            update(RefreshToken)
            .where(
                RefreshToken.id == token_id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = cast(CursorResult[Any], await self.session.execute(stmt))
        return result.rowcount == 1

    async def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def revoke_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        stmt = (
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)


class WebSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> WebSession:
        self.session.add(web_session)
        return web_session

    async def get_live_with_user(
        self, token_hash: str, now: datetime
    ) -> tuple[WebSession, StaffUser] | None:
        stmt = (
            select(WebSession, StaffUser)
            .join(StaffUser, StaffUser.id == WebSession.user_id)
            .where(
                WebSession.token_hash == token_hash,
                WebSession.revoked_at.is_(None),
                WebSession.expires_at > now,
                StaffUser.is_active,
            )
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def revoke(self, token_hash: str, now: datetime) -> None:
        stmt = (
            update(WebSession)
            .where(WebSession.token_hash == token_hash, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def revoke_for_user(self, user_id: uuid.UUID, now: datetime) -> None:
        stmt = (
            update(WebSession)
            .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        return key

    async def get_live_by_hash(self, key_hash: str) -> ApiKey | None:
        stmt = select(ApiKey).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
        return await self.session.scalar(stmt)

    async def get(self, shop_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        stmt = select(ApiKey).where(ApiKey.shop_id == shop_id, ApiKey.id == key_id)
        return await self.session.scalar(stmt)

    async def list_for_shop(self, shop_id: uuid.UUID, *, include_revoked: bool) -> list[ApiKey]:
        stmt = select(ApiKey).where(ApiKey.shop_id == shop_id)
        if not include_revoked:
            stmt = stmt.where(ApiKey.revoked_at.is_(None))
        return list(await self.session.scalars(stmt.order_by(ApiKey.created_at, ApiKey.id)))

    async def touch(self, key_id: uuid.UUID, now: datetime) -> None:
        stmt = (
            update(ApiKey)
            .where(ApiKey.id == key_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)
