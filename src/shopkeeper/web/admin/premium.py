"""The shop overview's premium panel: its figures, and their live stream (server-sent events).

The overview loads the panel with HTMX; `static/js/premium-live.js` then follows the stream
and updates the numbers. Without JavaScript the panel's link opens it as a page of its own.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from shopkeeper import premium
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.web.admin.deps import ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute, is_htmx
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
PANEL_DAYS = 30
EVERY_SECONDS = 15.0


@router.get("/s/{slug}/premium", name="admin_premium")
async def panel(
    request: Request, shell: ShopShellDep, session: SessionDep, clock: ClockDep
) -> Response:
    """The figures now: the panel alone for HTMX, a page around it otherwise."""
    shell.require("subscriptions.read")
    figures = await premium.premium_statistics(
        session, shop_id=shell.shop_access.shop.id, days=PANEL_DAYS, now=clock.now(),
        locale=request_language(request),
    )  # fmt: skip
    template = "admin/_premium_panel.html" if is_htmx(request) else "admin/premium.html"
    return render(request, template, shell.context(figures=figures, days=PANEL_DAYS))


@router.get("/s/{slug}/premium/stream", name="admin_premium_stream")
async def stream(request: Request, shell: ShopShellDep, container: ContainerDep) -> Response:
    """The panel's figures as server-sent events (at once, on change, every 15 s)."""
    shell.require("subscriptions.read")
    events = premium.figure_events(
        container, shop_id=shell.shop_access.shop.id, days=PANEL_DAYS, every=EVERY_SECONDS,
        locale=request_language(request), disconnected=request.is_disconnected,
    )  # fmt: skip
    return StreamingResponse(events, media_type="text/event-stream", headers=premium.SSE_HEADERS)
