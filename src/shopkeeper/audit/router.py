"""HTTP: a shop's audit log as JSON pages and as a streamed CSV export (audit.read)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from shopkeeper.audit.schemas import AuditEntryRead, AuditFilter
from shopkeeper.audit.service import export_csv, list_entries
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import Unprocessable
from shopkeeper.kit.pagination import Page
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["audit"])
ReadAccess = Annotated[ShopAccess, require("audit.read")]


def audit_filters(
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=320, description="actor id or email")] = None,
    target_type: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(alias="from", description="inclusive")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="exclusive")] = None,
) -> AuditFilter:
    try:
        return AuditFilter(
            action=action, actor=actor, target_type=target_type, since=since, until=until
        )
    except ValidationError as exc:
        raise Unprocessable("; ".join(str(e["msg"]) for e in exc.errors())) from None


FiltersDep = Annotated[AuditFilter, Depends(audit_filters)]


@router.get("/audit")
async def audit_log(
    session: SessionDep,
    access: ReadAccess,
    filters: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[AuditEntryRead]:
    """Entries newest first, filtered by action, actor, target type and time."""
    return await list_entries(
        session, shop_id=access.shop.id, filters=filters, limit=limit, offset=offset
    )


@router.get("/audit.csv", response_class=StreamingResponse)
async def audit_csv(
    container: ContainerDep, access: ReadAccess, filters: FiltersDep
) -> StreamingResponse:
    """The same entries as CSV, streamed in batches so any size fits in little memory."""
    filename = f"audit-{access.shop.slug}.csv"
    return StreamingResponse(
        export_csv(container.sessions, shop_id=access.shop.id, filters=filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
