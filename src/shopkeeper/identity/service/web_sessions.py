"""Admin browser sessions: a random cookie token (stored hashed) carrying a CSRF token."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.models import WebSession
from shopkeeper.identity.repository import WebSessionRepository
from shopkeeper.identity.schemas import StaffUserRead, WebSessionRead
from shopkeeper.identity.service.users import get_user
from shopkeeper.kit.crypto import random_token, sha256_hex

WEB_SESSION_LIFETIME = timedelta(hours=12)


async def start_web_session(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    now: datetime,
    lifetime: timedelta = WEB_SESSION_LIFETIME,
) -> tuple[str, WebSessionRead]:
    """Open a session for `user_id`: returns the cookie token (shown once) and the session."""
    user = await get_user(session, user_id=user_id)
    token = random_token(32)
    row = WebSessionRepository(session).add(
        WebSession(
            user_id=user.id,
            token_hash=sha256_hex(token),
            csrf_token=random_token(24),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token, _read(row, user)


async def get_web_session(
    session: AsyncSession, *, token: str, now: datetime
) -> WebSessionRead | None:
    """The live session behind a cookie token (with its active user), or None."""
    if not token or len(token) > 256:
        return None
    found = await WebSessionRepository(session).get_live_with_user(sha256_hex(token), now)
    if found is None:
        return None
    row, user = found
    return _read(row, StaffUserRead.model_validate(user))


async def end_web_session(session: AsyncSession, *, token: str, now: datetime) -> None:
    if token and len(token) <= 256:
        await WebSessionRepository(session).revoke(sha256_hex(token), now)


def _read(row: WebSession, user: StaffUserRead) -> WebSessionRead:
    return WebSessionRead(
        id=row.id,
        user=user,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )
