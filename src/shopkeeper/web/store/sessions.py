"""Customer sessions of the storefront: a random cookie token, stored hashed, per shop."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.kit.crypto import random_token, sha256_hex
from shopkeeper.web.store.models import StoreSession

SESSION_LIFETIME = timedelta(days=30)
MAX_TOKEN_LENGTH = 256


@dataclass(frozen=True)
class Visitor:
    """A signed-in customer as the pages see them."""

    session_id: uuid.UUID
    customer: identity.CustomerRead
    csrf_token: str
    method: str
    expires_at: datetime

    def identity_value(self, kind: str) -> str | None:
        return next((i.value for i in self.customer.identities if i.kind == kind), None)

    @property
    def email(self) -> str | None:
        return self.identity_value("email")

    @property
    def discord_id(self) -> str | None:
        return self.identity_value("discord")

    @property
    def label(self) -> str:
        return self.customer.display_name or self.email or self.discord_id or ""


async def start_session(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, method: str,
    now: datetime,
) -> tuple[str, datetime]:  # fmt: skip
    """A new session for the customer: the cookie token (shown once) and when it expires."""
    await session.execute(
        delete(StoreSession).where(StoreSession.shop_id == shop_id,
                                   StoreSession.expires_at < now - timedelta(days=1))
    )  # fmt: skip
    token = random_token(32)
    expires_at = now + SESSION_LIFETIME
    session.add(StoreSession(
        shop_id=shop_id, customer_id=customer_id, token_hash=sha256_hex(token),
        csrf_token=random_token(24), method=method, created_at=now, expires_at=expires_at,
    ))  # fmt: skip
    await session.flush()
    return token, expires_at


async def current_visitor(
    session: AsyncSession, *, shop_id: uuid.UUID, token: str | None, now: datetime
) -> Visitor | None:
    """The live session of this shop behind a cookie token, with its customer; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = await session.scalar(
        select(StoreSession).where(
            StoreSession.token_hash == sha256_hex(token), StoreSession.shop_id == shop_id,
            StoreSession.revoked_at.is_(None), StoreSession.expires_at > now,
        )
    )  # fmt: skip
    if row is None:
        return None
    try:
        customer = await identity.get_customer(
            session, shop_id=shop_id, customer_id=row.customer_id
        )
    except identity.CustomerNotFound:
        return None
    return Visitor(session_id=row.id, customer=customer, csrf_token=row.csrf_token,
                   method=row.method, expires_at=row.expires_at)  # fmt: skip


async def end_session(
    session: AsyncSession, *, shop_id: uuid.UUID, token: str | None, now: datetime
) -> None:
    if token and len(token) <= MAX_TOKEN_LENGTH:
        await session.execute(
            update(StoreSession)
            .where(StoreSession.token_hash == sha256_hex(token), StoreSession.shop_id == shop_id,
                   StoreSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )  # fmt: skip
