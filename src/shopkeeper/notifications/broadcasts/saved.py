"""Saved audiences: a shop's named audience definitions (saved filters). A broadcast refers to
one by id and reads its definition when sending starts; one still used by a broadcast that has
not started cannot be deleted. Every change is audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.notifications.broadcasts.errors import (
    SavedAudienceInUse,
    SavedAudienceNameTaken,
    SavedAudienceNotFound,
    UnknownSavedAudience,
)
from shopkeeper.notifications.broadcasts.models import SavedAudience
from shopkeeper.notifications.broadcasts.repository import SavedAudienceRepository
from shopkeeper.notifications.broadcasts.schemas import (
    Audience,
    Definition,
    SavedAudienceCreate,
    SavedAudienceRead,
    SavedAudienceRef,
    SavedAudienceUpdate,
)

_AUDIENCE: TypeAdapter[Any] = TypeAdapter(Audience)
EXCERPT = 40  # characters of a broadcast's text that name it in a conflict


async def definition(
    session: AsyncSession, *, shop_id: uuid.UUID, audience_id: uuid.UUID
) -> Definition:
    """What the saved audience is now (UnknownSavedAudience, 422, when the shop has none such)."""
    row = await SavedAudienceRepository(session).get(shop_id, audience_id)
    if row is None:
        raise UnknownSavedAudience(audience_id)
    found = _AUDIENCE.validate_python(row.audience)
    if isinstance(found, SavedAudienceRef):  # refused when saved; a guard against loops
        raise UnknownSavedAudience(audience_id)
    return found


async def check_reference(
    session: AsyncSession, *, shop_id: uuid.UUID, audience: Definition | SavedAudienceRef
) -> None:
    """A broadcast may use a saved audience of its own shop only. The row stays locked to the
    end of the transaction, so a concurrent delete sees the broadcast that now uses it."""
    if isinstance(audience, SavedAudienceRef):
        repo = SavedAudienceRepository(session)
        if await repo.get(shop_id, audience.audience_id, lock=True) is None:
            raise UnknownSavedAudience(audience.audience_id)


def _after(row: SavedAudience) -> dict[str, Any]:
    return {"name": row.name, "audience": row.audience}


async def _audit(
    session: AsyncSession, actor: audit.Actor, row: SavedAudience, action: str,
    before: dict[str, Any] | None, after: dict[str, Any] | None, now: datetime,
) -> None:  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=row.shop_id, action=f"notifications.saved_audience_{action}",
        target_type="saved_audience", target_id=row.id, before=before, after=after, now=now,
    )  # fmt: skip


async def _flush_named(session: AsyncSession, row: SavedAudience) -> None:
    """A name taken by a concurrent request is a 409, not a 500 (the request rolls back)."""
    try:
        await session.flush()
    except IntegrityError:
        raise SavedAudienceNameTaken(row.name) from None


async def create_saved_audience(
    session: AsyncSession, *, shop_id: uuid.UUID, data: SavedAudienceCreate,
    actor: audit.Actor, now: datetime,
) -> SavedAudienceRead:  # fmt: skip
    repo = SavedAudienceRepository(session)
    if await repo.named(shop_id, data.name) is not None:
        raise SavedAudienceNameTaken(data.name)
    row = repo.add(
        SavedAudience(
            shop_id=shop_id, name=data.name, audience=data.audience.model_dump(mode="json"),
            created_by=actor.id, created_at=now, updated_at=now,
        )
    )  # fmt: skip
    await _flush_named(session, row)
    await _audit(session, actor, row, "created", None, _after(row), now)
    return SavedAudienceRead.model_validate(row)


async def list_saved_audiences(
    session: AsyncSession, *, shop_id: uuid.UUID
) -> list[SavedAudienceRead]:
    rows = await SavedAudienceRepository(session).all(shop_id)
    return [SavedAudienceRead.model_validate(r) for r in rows]


async def _row(
    session: AsyncSession, shop_id: uuid.UUID, audience_id: uuid.UUID, *, lock: bool = False
) -> SavedAudience:
    row = await SavedAudienceRepository(session).get(shop_id, audience_id, lock=lock)
    if row is None:
        raise SavedAudienceNotFound()
    return row


async def get_saved_audience(
    session: AsyncSession, *, shop_id: uuid.UUID, audience_id: uuid.UUID
) -> SavedAudienceRead:
    return SavedAudienceRead.model_validate(await _row(session, shop_id, audience_id))


async def update_saved_audience(
    session: AsyncSession, *, shop_id: uuid.UUID, audience_id: uuid.UUID,
    data: SavedAudienceUpdate, actor: audit.Actor, now: datetime,
) -> SavedAudienceRead:  # fmt: skip
    """Rename or redefine; broadcasts using it that have not started send to the new one."""
    row = await _row(session, shop_id, audience_id, lock=True)
    before = _after(row)
    if data.name is not None and data.name != row.name:
        if await SavedAudienceRepository(session).named(shop_id, data.name) is not None:
            raise SavedAudienceNameTaken(data.name)
        row.name = data.name
    if data.audience is not None:
        row.audience = data.audience.model_dump(mode="json")
    row.updated_at = now
    await _flush_named(session, row)
    await _audit(session, actor, row, "updated", before, _after(row), now)
    return SavedAudienceRead.model_validate(row)


async def delete_saved_audience(
    session: AsyncSession, *, shop_id: uuid.UUID, audience_id: uuid.UUID, actor: audit.Actor,
    now: datetime,
) -> None:  # fmt: skip
    """SavedAudienceInUse (409, naming them) while a draft or scheduled broadcast uses it."""
    repo = SavedAudienceRepository(session)
    row = await _row(session, shop_id, audience_id, lock=True)
    users = await repo.users(shop_id, audience_id)
    if users:
        raise SavedAudienceInUse([(str(b.id), b.status, b.text[:EXCERPT]) for b in users])
    before = _after(row)
    await repo.delete(row)
    await session.flush()
    await _audit(session, actor, row, "deleted", before, None, now)
