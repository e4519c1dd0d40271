"""HTTP: /api/v1/shops/{shop}/analytics — the dashboard's figures, once or as a live stream.

Both need analytics.read (viewers, managers, admins and owners; a cashier sees no revenue).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from shopkeeper.analytics.live import dashboard_events
from shopkeeper.analytics.schemas import Dashboard
from shopkeeper.analytics.service import dashboard
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.sse import SSE_HEADERS
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/analytics", tags=["analytics"])
Read = Annotated[ShopAccess, require("analytics.read")]
Locale = Annotated[str, Query(pattern="^(en|pl|ru)$", description="money formatting")]


@router.get("/dashboard")
async def get_dashboard(
    session: SessionDep, clock: ClockDep, access: Read, locale: Locale = "en"
) -> Dashboard:
    """Revenue today / 7 / 30 days, MRR, subscriptions by plan, new per day, churn, payment
    success rate, top products, recent orders, failed webhooks and dead events."""
    return await dashboard(session, shop_id=access.shop.id, now=clock.now(), locale=locale)


@router.get("/dashboard/stream", response_class=StreamingResponse)
async def dashboard_stream(
    request: Request,
    container: ContainerDep,
    access: Read,
    locale: Locale = "en",
    every: Annotated[float, Query(ge=1, le=300, description="seconds between events")] = 15,
) -> StreamingResponse:
    """The same figures as server-sent events: at once, on every sale or subscription
    change, and every `every` seconds."""
    events = dashboard_events(
        container, shop_id=access.shop.id, every=every, locale=locale,
        disconnected=request.is_disconnected,
    )  # fmt: skip
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
