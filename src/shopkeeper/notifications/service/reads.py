"""The delivery log, searchable per customer, channel and status."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.kit.pagination import Page
from shopkeeper.notifications.repository import MessageRepository
from shopkeeper.notifications.schemas import MessageRead


async def list_messages(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID | None = None,
    channel: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[MessageRead]:
    rows, total = await MessageRepository(session).page(
        shop_id, customer_id=customer_id, channel=channel, status=status, limit=limit,
        offset=offset,
    )  # fmt: skip
    items = [MessageRead.model_validate(r) for r in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)
