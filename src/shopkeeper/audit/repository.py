"""All SQL of the audit log: insert and filtered reads. There is no update or delete."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit.models import AuditEntry
from shopkeeper.audit.schemas import AuditFilter


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> AuditEntry:
        self.session.add(entry)
        return entry

    async def page(
        self, shop_id: uuid.UUID, filters: AuditFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[AuditEntry], int]:
        stmt = _filtered(shop_id, filters)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = await self.session.scalars(
            stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), int(total or 0)

    async def batch_after(
        self,
        shop_id: uuid.UUID,
        filters: AuditFilter,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        size: int,
    ) -> Sequence[AuditEntry]:
        """Keyset pages, newest first, for streaming exports of any length."""
        stmt = _filtered(shop_id, filters)
        if after is not None:
            stmt = stmt.where(tuple_(AuditEntry.created_at, AuditEntry.id) < tuple_(*after))
        stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(size)
        return (await self.session.scalars(stmt)).all()


def _filtered(shop_id: uuid.UUID, filters: AuditFilter) -> Select[Any]:
    stmt = select(AuditEntry).where(AuditEntry.shop_id == shop_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.target_type:
        stmt = stmt.where(AuditEntry.target_type == filters.target_type)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.created_at < filters.until)
    if filters.actor:
        stmt = stmt.where(_actor_matches(filters.actor))
    return stmt


def _actor_matches(actor: str) -> Any:
    try:
        actor_id = uuid.UUID(actor)
    except ValueError:
        return AuditEntry.actor_label == actor.strip().lower()
    return or_(AuditEntry.actor_id == actor_id, AuditEntry.actor_label == actor)
