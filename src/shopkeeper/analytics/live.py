"""The dashboard as server-sent events: one `dashboard` event at once, then one whenever an
order is paid or a subscription changes (polled every `poll` seconds) and at least every
`every` seconds, for payments, webhooks and dead events that move without either."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.analytics.service import dashboard, dashboard_version
from shopkeeper.container import Container
from shopkeeper.kit.sse import poll_events


async def dashboard_events(
    container: Container,
    *,
    shop_id: uuid.UUID,
    every: float = 15.0,
    poll: float = 1.0,
    locale: str = "en",
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """The stream's text chunks (see the module docstring)."""

    async def version(session: AsyncSession) -> str:
        return await dashboard_version(session, shop_id=shop_id)

    async def body(session: AsyncSession) -> str:
        now = container.clock.now()
        figures = await dashboard(session, shop_id=shop_id, now=now, locale=locale)
        return figures.model_dump_json(exclude={"generated_at"})

    events = poll_events(container.readers, event="dashboard", version=version, body=body,
                         every=every, poll=poll, disconnected=disconnected)  # fmt: skip
    async for chunk in events:
        yield chunk
