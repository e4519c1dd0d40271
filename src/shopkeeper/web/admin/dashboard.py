"""The shop's dashboard page: the analytics figures, kept live.

The page shows the figures as drawn by the server (it works without JavaScript);
`static/js/dashboard-live.js` follows `…/dashboard/stream`, whose events only say that the
figures moved, and then fetches the figures part again with HTMX (one computation per
change, not one per open tab and event); Chart.js, when present, draws the new
subscriptions per day above the same numbers in a table.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import analytics
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.sse import SSE_HEADERS, poll_events
from shopkeeper.web.admin.deps import ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute, is_htmx
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
FIGURES_TARGET = "dashboard-figures"
EVERY_SECONDS = 15.0


@router.get("/s/{slug}/dashboard", name="admin_dashboard")
async def page(
    request: Request, shell: ShopShellDep, session: SessionDep, clock: ClockDep
) -> Response:
    """The figures now; an HTMX request for the figures gets only that part."""
    shell.require("analytics.read")
    board = await analytics.dashboard(
        session, shop_id=shell.shop_access.shop.id, now=clock.now(),
        locale=request_language(request),
    )  # fmt: skip
    partial = is_htmx(request) and request.headers.get("hx-target") == FIGURES_TARGET
    template = "admin/_dashboard_figures.html" if partial else "admin/dashboard.html"
    headers = {"Vary": "HX-Request, HX-Target", "Cache-Control": "no-store"}
    return render(request, template, shell.context(board=board), headers=headers)


@router.get("/s/{slug}/dashboard/stream", name="admin_dashboard_stream")
async def stream(request: Request, shell: ShopShellDep, container: ContainerDep) -> Response:
    """`changed` events: at once, when a sale or a subscription moves the figures, and every
    15 s (payments and webhooks move them too); the data is only a version."""
    shell.require("analytics.read")
    shop_id = shell.shop_access.shop.id

    async def version(session: AsyncSession) -> str:
        return await analytics.dashboard_version(session, shop_id=shop_id)

    events = poll_events(
        container.readers, event="changed", version=version, body=version,
        every=EVERY_SECONDS, poll=1.0, disconnected=request.is_disconnected,
    )  # fmt: skip
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
