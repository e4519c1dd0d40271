"""Write and read the audit log. Entries are only ever inserted."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit.models import AuditEntry
from shopkeeper.audit.repository import AuditRepository
from shopkeeper.audit.schemas import Actor, AuditEntryRead, AuditFilter
from shopkeeper.kit.context import correlation_id
from shopkeeper.kit.pagination import Page

CSV_COLUMNS = (
    "created_at", "action", "actor_type", "actor_id", "actor_label", "target_type",
    "target_id", "before", "after", "ip", "correlation_id", "id",
)  # fmt: skip
EXPORT_BATCH = 500


async def record(
    session: AsyncSession,
    *,
    actor: Actor,
    shop_id: uuid.UUID | None,
    action: str,
    target_type: str,
    target_id: object | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """Append one entry in the caller's transaction (it is kept only if the change is)."""
    AuditRepository(session).add(
        AuditEntry(
            shop_id=shop_id,
            actor_type=actor.type.value,
            actor_id=actor.id,
            actor_label=actor.label[:320],
            action=action,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id)[:64],
            before=_jsonable(before),
            after=_jsonable(after),
            ip=actor.ip[:64] if actor.ip else None,
            correlation_id=actor.correlation_id or correlation_id.get(),
            created_at=now,
        )
    )


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Ids, times and enums become strings so JSON columns accept them on every database."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


async def list_entries(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    filters: AuditFilter | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[AuditEntryRead]:
    """One page of a shop's entries, newest first."""
    rows, total = await AuditRepository(session).page(
        shop_id, filters or AuditFilter(), limit=limit, offset=offset
    )
    items = [AuditEntryRead.model_validate(r) for r in rows]
    return Page[AuditEntryRead](items=items, total=total, limit=limit, offset=offset)


async def export_csv(
    sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    *,
    shop_id: uuid.UUID,
    filters: AuditFilter,
) -> AsyncIterator[str]:
    """CSV text in chunks, read in keyset batches in its own short transactions."""
    yield _csv_line(CSV_COLUMNS)
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        async with sessions() as session:
            rows = await AuditRepository(session).batch_after(
                shop_id, filters, after=after, size=EXPORT_BATCH
            )
        if not rows:
            return
        yield "".join(_csv_line(_csv_row(r)) for r in rows)
        after = (rows[-1].created_at, rows[-1].id)


def _csv_row(entry: AuditEntry) -> tuple[object, ...]:
    def _json(v: dict[str, Any] | None) -> str:
        return "" if v is None else json.dumps(v, sort_keys=True)

    return (
        entry.created_at.isoformat(), entry.action, entry.actor_type, entry.actor_id or "",
        _safe(entry.actor_label), entry.target_type, entry.target_id or "", _json(entry.before),
        _json(entry.after), entry.ip or "", entry.correlation_id or "", entry.id,
    )  # fmt: skip


def _safe(text: str) -> str:
    """Defuse spreadsheet formulas in free text (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(values: tuple[object, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()
