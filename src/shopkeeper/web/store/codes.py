"""One-time sign-in codes by email: six digits, HMAC at rest, 10 minutes, 5 attempts.

Only the newest code of an address counts (asking again replaces the earlier one). Asking is
limited per address and per client IP over a sliding hour, counted from the rows themselves,
so every API process sees the same limits.
"""

from __future__ import annotations

import math
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.errors import BadRequest, TooManyRequests
from shopkeeper.kit.crypto import constant_time_equal, sign
from shopkeeper.web.store.models import StoreLoginCode

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
LIMIT_WINDOW = timedelta(hours=1)
MAX_CODES_PER_EMAIL = 5
MAX_CODES_PER_IP = 20


class CodeRequestsLimited(TooManyRequests):
    """Too many codes asked for one address or from one IP in the last hour."""


class CodeExpired(BadRequest):
    """No live code for the address: never asked, used, replaced or older than 10 minutes."""


class CodeIncorrect(BadRequest):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"Incorrect code; {attempts_left} attempts left")
        self.attempts_left = attempts_left


class CodeAttemptsExhausted(TooManyRequests):
    def __init__(self) -> None:
        super().__init__("Too many incorrect codes; ask for a new one", retry_after=1)


def normalise_email(value: str) -> str:
    """The address as identity stores it (lowercase); InvalidIdentity (422) if it is none."""
    return identity.normalise_identity("email", value)[1]


def _code_hash(secret: str, shop_id: uuid.UUID, email: str, code: str) -> str:
    return sign(secret, f"store-code:{shop_id}:{email}:{code}".encode())


def ip_fingerprint(secret: str, ip: str) -> str:
    """The client IP keyed with the secret: enough to count, not to read back."""
    return sign(secret, f"store-ip:{ip}".encode())


async def issue_code(
    session: AsyncSession, *, shop_id: uuid.UUID, email: str, ip: str, secret: str,
    now: datetime,
) -> tuple[str, uuid.UUID]:  # fmt: skip
    """A new code for `email` (the earlier ones stop working): the code and its row id."""
    email = normalise_email(email)
    ip_hash = ip_fingerprint(secret, ip)
    await _check_limit(session, StoreLoginCode.email == email, shop_id, MAX_CODES_PER_EMAIL, now)
    await _check_limit(session, StoreLoginCode.ip_hash == ip_hash, shop_id, MAX_CODES_PER_IP, now)
    await session.execute(
        delete(StoreLoginCode).where(StoreLoginCode.shop_id == shop_id,
                                     StoreLoginCode.created_at < now - timedelta(days=1))
    )  # fmt: skip
    await session.execute(
        update(StoreLoginCode)
        .where(StoreLoginCode.shop_id == shop_id, StoreLoginCode.email == email,
               StoreLoginCode.used_at.is_(None))
        .values(used_at=now)
    )  # fmt: skip
    code = f"{secrets.randbelow(10**6):06d}"
    row = StoreLoginCode(
        shop_id=shop_id, email=email, code_hash=_code_hash(secret, shop_id, email, code),
        ip_hash=ip_hash, attempts=0, delivery="pending", created_at=now,
        expires_at=now + CODE_LIFETIME,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return code, row.id


async def _check_limit(
    session: AsyncSession, which: ColumnElement[bool], shop_id: uuid.UUID, limit: int, now: datetime
) -> None:
    since = now - LIMIT_WINDOW
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(StoreLoginCode.created_at)).where(
                StoreLoginCode.shop_id == shop_id, which, StoreLoginCode.created_at > since
            )
        )
    ).one()
    if count >= limit:
        oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
        wait = math.ceil((oldest_at + LIMIT_WINDOW - now).total_seconds())
        raise CodeRequestsLimited("Too many codes requested; try again later",
                                  retry_after=max(1, wait))  # fmt: skip


async def record_delivery(session: AsyncSession, *, code_id: uuid.UUID, status: str) -> None:
    await session.execute(
        update(StoreLoginCode).where(StoreLoginCode.id == code_id).values(delivery=status[:16])
    )


async def redeem_code(
    session: AsyncSession, *, shop_id: uuid.UUID, email: str, code: str, secret: str,
    now: datetime,
) -> str:  # fmt: skip
    """The address, when `code` is its live code (used up now); a wrong code costs an attempt.

    The caller commits even on CodeIncorrect, so the attempt counts.
    """
    email = normalise_email(email)
    row = await session.scalar(
        select(StoreLoginCode)
        .where(StoreLoginCode.shop_id == shop_id, StoreLoginCode.email == email,
               StoreLoginCode.used_at.is_(None))
        .order_by(StoreLoginCode.created_at.desc())
        .limit(1)
        .with_for_update()
    )  # fmt: skip
    if row is None or row.expires_at <= now:
        raise CodeExpired("The code has expired; ask for a new one")
    if row.attempts >= MAX_ATTEMPTS:
        raise CodeAttemptsExhausted()
    given = "".join(ch for ch in code if ch.isdigit())[:6]
    if not constant_time_equal(row.code_hash, _code_hash(secret, shop_id, email, given)):
        row.attempts += 1
        await session.flush()
        if row.attempts >= MAX_ATTEMPTS:
            raise CodeAttemptsExhausted()
        raise CodeIncorrect(MAX_ATTEMPTS - row.attempts)
    used = await session.execute(
        update(StoreLoginCode)
        .where(StoreLoginCode.id == row.id, StoreLoginCode.used_at.is_(None))
        .values(used_at=now)
    )
    if getattr(used, "rowcount", 0) != 1:  # a concurrent request used it first
        raise CodeExpired("The code has already been used; ask for a new one")
    return email
