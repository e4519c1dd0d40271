"""Staff browsing a shop's payments and its inbound webhook log (the raw payload, whether its
signature held, what became of it)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.kit.pagination import Page
from shopkeeper.payments.browse_repository import BrowseRepository
from shopkeeper.payments.errors import WebhookNotFound
from shopkeeper.payments.models import WebhookEvent
from shopkeeper.payments.schemas import PaymentRead, WebhookDetail, WebhookRead

# Headers that could let someone act as us or as the sender: shown as "•••".
_SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
MASK = "•••"


async def browse_payments(
    session: AsyncSession, *, shop_id: uuid.UUID, status: str | None = None,
    provider: str | None = None, limit: int = 25, offset: int = 0, count_up_to: int = 10_000,
) -> Page[PaymentRead]:  # fmt: skip
    """The shop's payments newest first; `total` stops counting one past `count_up_to`."""
    rows, total = await BrowseRepository(session).payments(
        shop_id, status=status, provider=provider, limit=limit, offset=offset,
        count_up_to=count_up_to,
    )  # fmt: skip
    items = [PaymentRead.model_validate(row) for row in rows]
    return Page[PaymentRead](items=items, total=total, limit=limit, offset=offset)


async def browse_webhooks(
    session: AsyncSession, *, shop_id: uuid.UUID, status: str | None = None,
    provider: str | None = None, limit: int = 25, offset: int = 0, count_up_to: int = 10_000,
) -> Page[WebhookRead]:  # fmt: skip
    """Inbound webhooks newest first, any status (rejected ones too)."""
    rows, total = await BrowseRepository(session).webhooks(
        shop_id, status=status, provider=provider, limit=limit, offset=offset,
        count_up_to=count_up_to,
    )  # fmt: skip
    items = [WebhookRead.model_validate(row) for row in rows]
    return Page[WebhookRead](items=items, total=total, limit=limit, offset=offset)


async def get_webhook(
    session: AsyncSession, *, shop_id: uuid.UUID, webhook_id: uuid.UUID
) -> WebhookDetail:
    """One webhook as it arrived; another shop's is WebhookNotFound."""
    row = await BrowseRepository(session).webhook(shop_id, webhook_id)
    if row is None:
        raise WebhookNotFound()
    return _detail(row)


def _detail(row: WebhookEvent) -> WebhookDetail:
    headers = {
        name: MASK if name.lower() in _SECRET_HEADERS else value
        for name, value in (row.headers or {}).items()
    }
    return WebhookDetail(
        **WebhookRead.model_validate(row).model_dump(),
        body=bytes(row.body).decode("utf-8", errors="replace"), headers=headers,
        events=row.events,
    )  # fmt: skip
