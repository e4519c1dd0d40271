"""Password login with throttling and lockout, refresh-token rotation, access-token checks."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity import passwords, tokens
from shopkeeper.identity.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
)
from shopkeeper.identity.models import RefreshToken, StaffUser
from shopkeeper.identity.policy import LoginPolicy, TokenPolicy, normalise_email
from shopkeeper.identity.repository import RefreshTokenRepository, StaffUserRepository
from shopkeeper.identity.schemas import StaffUserRead, TokenPair
from shopkeeper.kit.crypto import sha256_hex


async def authenticate(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    now: datetime,
    policy: LoginPolicy | None = None,
) -> StaffUserRead:
    """Check a password. Failures are counted on the user, so the caller must commit even when
    this raises; `InvalidCredentials.delay_seconds` is the wait to apply after that commit."""
    policy = policy or LoginPolicy()
    user = await StaffUserRepository(session).get_for_login(normalise_email(email))
    if user is None or not user.is_active:
        await passwords.verify_dummy(password)
        raise InvalidCredentials()
    _check_lock(user, now)
    if not await passwords.verify_password(user.password_hash, password):
        _record_failure(user, now, policy)
        await session.flush()
        raise InvalidCredentials(delay_seconds=policy.delay_for(user.failed_logins))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    await session.flush()
    return StaffUserRead.model_validate(user)


def _check_lock(user: StaffUser, now: datetime) -> None:
    if user.locked_until is None:
        return
    if user.locked_until > now:
        minutes = math.ceil((user.locked_until - now).total_seconds() / 60)
        raise AccountLocked(minutes_left=max(1, minutes))
    user.locked_until = None  # the lock has expired: start counting afresh
    user.failed_logins = 0


def _record_failure(user: StaffUser, now: datetime, policy: LoginPolicy) -> None:
    user.failed_logins += 1
    if user.failed_logins >= policy.max_failures:
        user.locked_until = now + timedelta(minutes=policy.lock_minutes)
        raise AccountLocked(minutes_left=policy.lock_minutes)


async def login(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    now: datetime,
    policy: LoginPolicy | None = None,
    token_policy: TokenPolicy,
) -> TokenPair:
    """Password login → an access token and the first refresh token of a new family."""
    user = await authenticate(session, email=email, password=password, now=now, policy=policy)
    return await issue_tokens(
        session, user_id=user.id, family_id=None, now=now, policy=token_policy
    )


async def issue_tokens(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID | None,
    now: datetime,
    policy: TokenPolicy,
) -> TokenPair:
    family_id = family_id or uuid.uuid4()
    refresh, refresh_hash = tokens.new_opaque_token()
    RefreshTokenRepository(session).add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=refresh_hash,
            issued_at=now,
            expires_at=now + timedelta(days=policy.refresh_days),
        )
    )
    await session.flush()
    access = tokens.issue_access_token(
        user_id=user_id,
        family_id=family_id,
        secret=policy.secret,
        minutes=policy.access_minutes,
        now=now,
    )
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=policy.access_minutes * 60
    )


async def refresh(
    session: AsyncSession, *, refresh_token: str, now: datetime, policy: TokenPolicy
) -> TokenPair:
    """Rotate a refresh token. A rotated token presented again revokes its whole family; the
    caller must commit even when this raises RefreshTokenReused, so the revocation sticks."""
    repo = RefreshTokenRepository(session)
    row = await repo.get_by_hash(sha256_hex(refresh_token))
    if row is None or row.revoked_at is not None:
        raise InvalidToken("Invalid refresh token")
    if row.rotated_at is None and row.expires_at <= now:
        raise InvalidToken("Refresh token expired")
    if row.rotated_at is not None or not await repo.mark_rotated(row.id, now):
        await repo.revoke_family(row.family_id, now)
        raise RefreshTokenReused()
    user = await StaffUserRepository(session).get(row.user_id)
    if user is None or not user.is_active:
        raise InvalidToken("Invalid refresh token")
    return await issue_tokens(
        session, user_id=row.user_id, family_id=row.family_id, now=now, policy=policy
    )


async def logout(
    session: AsyncSession,
    *,
    refresh_token: str | None = None,
    family_id: uuid.UUID | None = None,
    now: datetime,
) -> None:
    """Revoke the session family of the given refresh token and/or access-token family."""
    repo = RefreshTokenRepository(session)
    if refresh_token:
        row = await repo.get_by_hash(sha256_hex(refresh_token))
        if row is not None:
            await repo.revoke_family(row.family_id, now)
    if family_id is not None:
        await repo.revoke_family(family_id, now)


async def user_for_access_token(
    session: AsyncSession, *, token: str, secret: str, now: datetime
) -> tuple[StaffUserRead, uuid.UUID | None]:
    """The active user an access token belongs to (and its session family); one query."""
    claims = tokens.decode_access_token(token, secret=secret, now=now)
    found = await StaffUserRepository(session).get_active_with_family(
        claims.user_id, claims.family_id
    )
    if found is None or found[1]:
        raise InvalidToken()
    return StaffUserRead.model_validate(found[0]), claims.family_id
