"""Live premium figures as server-sent events (`text/event-stream`).

One `figures` event at once, then one whenever the figures change (the shop's subscriptions
are polled cheaply every `poll` seconds, the figures recomputed when they moved) and at
least every `every` seconds (`kit.sse.poll_events`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import subscriptions
from shopkeeper.container import Container
from shopkeeper.kit.sse import SSE_HEADERS, poll_events
from shopkeeper.premium.service.statistics import premium_statistics

__all__ = ["SSE_HEADERS", "figure_events"]


async def figure_events(
    container: Container,
    *,
    shop_id: uuid.UUID,
    days: int,
    every: float = 15.0,
    poll: float = 1.0,
    locale: str = "en",
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """The stream's text chunks (see the module docstring)."""

    async def version(session: AsyncSession) -> str:
        return await subscriptions.figures_version(session, shop_id=shop_id)

    async def body(session: AsyncSession) -> str:
        figures = await premium_statistics(
            session, shop_id=shop_id, days=days, now=container.clock.now(), locale=locale
        )
        return figures.model_dump_json()

    events = poll_events(container.readers, event="figures", version=version, body=body,
                         every=every, poll=poll, disconnected=disconnected)  # fmt: skip
    async for chunk in events:
        yield chunk
