"""The storefront's side of Discord OAuth2: `state` kept server-side (hashed, 10 minutes,
single use, bound to the browser by a cookie) with its PKCE verifier (encrypted)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.discord import oauth
from shopkeeper.kit.crypto import SecretBox, constant_time_equal, random_token, sha256_hex
from shopkeeper.web.store.errors import OAuthStateInvalid
from shopkeeper.web.store.models import StoreOAuthState

STATE_LIFETIME = timedelta(minutes=10)
MAX_STATE_LENGTH = 128


@dataclass(frozen=True)
class StartedSignIn:
    state: str
    code_challenge: str


@dataclass(frozen=True)
class TakenState:
    verifier: str
    customer_id: uuid.UUID | None  # the signed-in customer who is linking Discord
    next_path: str


async def begin(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID | None, next_path: str,
    secrets: SecretBox, now: datetime,
) -> StartedSignIn:  # fmt: skip
    """A fresh state and PKCE pair; the verifier stays here, the challenge goes to Discord."""
    await session.execute(
        delete(StoreOAuthState).where(StoreOAuthState.shop_id == shop_id,
                                      StoreOAuthState.expires_at < now - timedelta(days=1))
    )  # fmt: skip
    state = random_token(32)
    verifier = oauth.new_code_verifier()
    session.add(StoreOAuthState(
        shop_id=shop_id, state_hash=sha256_hex(state), verifier_encrypted=secrets.encrypt(verifier),
        customer_id=customer_id, next_path=next_path[:500], created_at=now,
        expires_at=now + STATE_LIFETIME,
    ))  # fmt: skip
    await session.flush()
    return StartedSignIn(state=state, code_challenge=oauth.code_challenge(verifier))


async def take_state(
    session: AsyncSession, *, shop_id: uuid.UUID, state: str | None, cookie: str | None,
    secrets: SecretBox, now: datetime,
) -> TakenState:  # fmt: skip
    """Use up the callback's state: it must be this browser's, this shop's, live and unused."""
    if not state or not cookie or len(state) > MAX_STATE_LENGTH:
        raise OAuthStateInvalid()
    if not constant_time_equal(state, cookie):
        raise OAuthStateInvalid()
    state_hash = sha256_hex(state)
    taken = await session.execute(
        update(StoreOAuthState)
        .where(StoreOAuthState.state_hash == state_hash, StoreOAuthState.shop_id == shop_id,
               StoreOAuthState.used_at.is_(None), StoreOAuthState.expires_at > now)
        .values(used_at=now)
    )  # fmt: skip
    if getattr(taken, "rowcount", 0) != 1:
        raise OAuthStateInvalid()
    row = await session.scalar(
        select(StoreOAuthState).where(StoreOAuthState.state_hash == state_hash)
    )
    assert row is not None
    return TakenState(verifier=secrets.decrypt(row.verifier_encrypted),
                      customer_id=row.customer_id, next_path=row.next_path)  # fmt: skip
