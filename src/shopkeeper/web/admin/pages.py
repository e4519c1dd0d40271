"""The signed-in admin pages: the start page, a shop's overview and its audit log."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse

from shopkeeper import audit, shops
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.web.admin.audit_filters import PAGE_SIZE, parse_filters
from shopkeeper.web.admin.deps import ShellDep, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import list_response
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
RECENT_ENTRIES = 5
RESULTS_TARGET = "audit-results"


@router.get("", name="admin_home")
async def home(request: Request, shell: ShellDep) -> Response:
    """Straight to the first shop; someone in no shop yet is told how to get one."""
    if shell.memberships:
        return RedirectResponse(f"/admin/s/{shell.memberships[0].shop_slug}", status_code=303)
    return render(request, "admin/no_shops.html", shell.context())


@router.get("/s/{slug}", name="admin_shop")
async def shop_overview(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """The shop's profile, its team size and, for those allowed, the latest audit entries."""
    shell.require("shop.read")
    shop = shell.shop_access.shop
    members = await shops.list_members(session, access=shell.shop_access)
    by_role = Counter(member.role for member in members)
    role_counts = [(role, by_role[role]) for role in shops.Role if by_role[role]]
    recent = None
    if shell.can("audit.read"):
        recent = await audit.list_entries(session, shop_id=shop.id, limit=RECENT_ENTRIES)
    context = shell.context(member_count=len(members), role_counts=role_counts, recent=recent)
    return render(request, "admin/shop.html", context)


@router.get("/s/{slug}/audit", name="admin_audit")
async def audit_log(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """The audit log with filters; an HTMX request gets only the results partial."""
    shell.require("audit.read")
    shop = shell.shop_access.shop
    form = parse_filters(request.query_params, timezone=shop.timezone, gettext=gettext_for(request))
    page = await audit.list_entries(
        session, shop_id=shop.id, filters=form.filters, limit=PAGE_SIZE, offset=form.offset
    )
    context = shell.context(form=form, page=page, page_size=PAGE_SIZE)
    return list_response(request, context, page="admin/audit.html",
                         results="admin/_audit_results.html", target=RESULTS_TARGET,
                         query=form.query())  # fmt: skip


@router.get("/s/{slug}/audit.csv", name="admin_audit_csv")
async def audit_csv(
    request: Request, shell: ShopShellDep, container: ContainerDep, clock: ClockDep
) -> Response:
    """The filtered log as CSV, streamed in batches (the page's filters apply)."""
    shell.require("audit.read")
    shop = shell.shop_access.shop
    form = parse_filters(request.query_params, timezone=shop.timezone, gettext=gettext_for(request))
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        audit.export_csv(container.sessions, shop_id=shop.id, filters=form.filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{shop.slug}-{stamp}.csv"'},
    )
