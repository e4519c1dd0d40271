"""Per-shop API keys: created with a subset of the creator's permissions, shown once, hashed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor, ActorType
from shopkeeper.identity import tokens
from shopkeeper.identity.errors import ApiKeyNotFound, ApiKeyScopeTooWide, InvalidToken
from shopkeeper.identity.models import ApiKey
from shopkeeper.identity.repository import ApiKeyRepository
from shopkeeper.identity.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPrincipal, ApiKeyRead
from shopkeeper.kit.crypto import sha256_hex

# last_used_at is refreshed at most this often, so using a key is not a write per request.
TOUCH_EVERY = timedelta(minutes=5)


async def create_api_key(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: ApiKeyCreate,
    allowed: frozenset[str],
    actor: Actor,
    now: datetime,
) -> ApiKeyCreated:
    """A new `sk_...` key; its secret is in the result only. Scope must fit within `allowed`."""
    wanted = set(data.permissions)
    if too_wide := wanted - allowed:
        raise ApiKeyScopeTooWide(too_wide)
    secret, prefix, key_hash = tokens.new_api_key()
    row = ApiKeyRepository(session).add(
        ApiKey(
            shop_id=shop_id,
            name=data.name.strip(),
            prefix=prefix,
            key_hash=key_hash,
            permissions=sorted(wanted),
            created_by_id=actor.id if actor.type is ActorType.USER else None,
            created_at=now,
        )
    )
    await session.flush()
    read = ApiKeyRead.model_validate(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="api_key.created", target_type="api_key",
        target_id=row.id, after=read.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return ApiKeyCreated(**read.model_dump(), key=secret)


async def list_api_keys(
    session: AsyncSession, *, shop_id: uuid.UUID, include_revoked: bool = False
) -> list[ApiKeyRead]:
    rows = await ApiKeyRepository(session).list_for_shop(shop_id, include_revoked=include_revoked)
    return [ApiKeyRead.model_validate(r) for r in rows]


async def revoke_api_key(
    session: AsyncSession, *, shop_id: uuid.UUID, key_id: uuid.UUID, actor: Actor, now: datetime
) -> ApiKeyRead:
    row = await ApiKeyRepository(session).get(shop_id, key_id)
    if row is None:
        raise ApiKeyNotFound()
    if row.revoked_at is not None:
        return ApiKeyRead.model_validate(row)
    before = ApiKeyRead.model_validate(row)
    row.revoked_at = now
    await session.flush()
    after = ApiKeyRead.model_validate(row)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="api_key.revoked", target_type="api_key",
        target_id=row.id, before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after


async def authenticate_api_key(
    session: AsyncSession, *, key: str, now: datetime, touch: bool = True
) -> ApiKeyPrincipal:
    """The live key behind `sk_...`; InvalidToken when unknown or revoked.

    With `touch=False` (a read-only session) a due last_used_at refresh is left to the
    caller: the principal says `touch_due` and `touch_api_key` does it in a writing session.
    """
    if not tokens.is_api_key(key) or len(key) > 128:
        raise InvalidToken("Invalid API key")
    repo = ApiKeyRepository(session)
    row = await repo.get_live_by_hash(sha256_hex(key))
    if row is None:
        raise InvalidToken("Invalid API key")
    due = row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY
    if due and touch:
        await repo.touch(row.id, now)
    return ApiKeyPrincipal(
        id=row.id,
        shop_id=row.shop_id,
        name=row.name,
        prefix=row.prefix,
        permissions=frozenset(row.permissions),
        touch_due=due and not touch,
    )


async def touch_api_key(session: AsyncSession, *, key_id: uuid.UUID, now: datetime) -> None:
    """Record that the key was used at `now`."""
    await ApiKeyRepository(session).touch(key_id, now)
