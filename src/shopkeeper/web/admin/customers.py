"""The customers pages: search (name, email, phone, Telegram or Discord id) and one customer
with their orders, subscriptions, grants, messages, tags and staff's notes
(`customer_actions` changes the last two)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, identity, notifications, orders, subscriptions
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.web.admin.customer_filters import COUNT_UP_TO, PAGE_SIZE, parse_customer_search
from shopkeeper.web.admin.deps import Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import list_response
from shopkeeper.web.admin.subscriptions import shop_plans
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/customers"
RESULTS_TARGET = "customer-results"
READ, WRITE = "customers.read", "customers.write"
RECENT = 10


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/customers"


@router.get(BASE, name="admin_customers")
async def customer_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """Newest first, or those the search finds; an HTMX request gets only the results."""
    shell.require(READ)
    form = parse_customer_search(request.query_params)
    page = await identity.search_customers(
        session, shop_id=shell.shop_access.shop.id, query=form.q, limit=PAGE_SIZE,
        offset=form.offset, count_up_to=COUNT_UP_TO,
    )  # fmt: skip
    context = shell.context(
        form=form, page=page, page_size=PAGE_SIZE, base=base_url(shell),
        capped=page.total > COUNT_UP_TO, count_up_to=COUNT_UP_TO,
    )  # fmt: skip
    return list_response(request, context, page="admin/customers.html",
                         results="admin/_customer_results.html", target=RESULTS_TARGET,
                         query=form.query())  # fmt: skip


@router.get(BASE + "/{customer_id}", name="admin_customer")
async def customer_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, clock: ClockDep,
    customer_id: uuid.UUID,
) -> Response:  # fmt: skip
    """A merged-away customer's address leads to the one they were merged into."""
    shell.require(READ)
    customer = await identity.get_customer(
        session, shop_id=shell.shop_access.shop.id, customer_id=customer_id
    )
    if customer.id != customer_id:
        return RedirectResponse(f"{base_url(shell)}/{customer.id}", status_code=303)
    return await detail_page(request, shell, session, clock.now(), customer)


async def detail_page(
    request: Request, shell: Shell, session: AsyncSession, now: datetime,
    customer: identity.CustomerRead, *, status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    """The customer's page; a refused change renders it again with its error."""
    context = await _sections(shell, session, now, customer)
    context.update(customer=customer, url=f"{base_url(shell)}/{customer.id}",
                   base=base_url(shell), **extra)  # fmt: skip
    return render(request, "admin/customer.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip


async def _sections(
    shell: Shell, session: AsyncSession, now: datetime, customer: identity.CustomerRead
) -> dict[str, Any]:
    """What the member's role may read about the customer (None: a section not shown)."""
    shop_id, customer_id = shell.shop_access.shop.id, customer.id
    found: dict[str, Any] = {"orders": None, "subscriptions": None, "grants": None,
                             "messages": None}  # fmt: skip
    found["notes"] = await identity.list_notes(session, shop_id=shop_id, customer_id=customer_id)
    if shell.can("orders.read"):
        found["orders"] = await orders.list_orders(
            session, shop_id=shop_id, customer_id=customer_id, limit=RECENT
        )
    if shell.can("subscriptions.read"):
        found["subscriptions"] = await subscriptions.list_customer_subscriptions(
            session, shop_id=shop_id, customer_id=customer_id, now=now, include_ended=True
        )
    if shell.can("subscriptions.write"):
        found["gift_plans"] = await shop_plans(session, shop_id, archived=False)
    if shell.can("access.read"):
        found["grants"] = await access.customer_grants(
            session, shop_id=shop_id, customer_id=customer_id, include_revoked=True
        )
    if shell.can("notifications.read"):
        found["messages"] = await notifications.list_messages(
            session, shop_id=shop_id, customer_id=customer_id, limit=RECENT
        )
    return found
