"""The subscriptions pages: the list (status, plan, ending soon) and one subscription with the
history of its end and the actions of `subscription_actions` (subscriptions.read / .write)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, identity, subscriptions
from shopkeeper.catalog import ProductFilter, ProductKind
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.web.admin.deps import Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import (
    COUNT_UP_TO,
    PAGE_SIZE,
    list_response,
    parse_list_query,
)
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/subscriptions"
READ, WRITE = "subscriptions.read", "subscriptions.write"
STATUSES = [s.value for s in subscriptions.SubscriptionStatus]
ENDING_WITHIN = ["7", "30"]  # days: the "ending soon" choices
MAX_PLANS = 200


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/subscriptions"


async def shop_plans(
    session: AsyncSession, shop_id: uuid.UUID, *, archived: bool = True
) -> dict[uuid.UUID, str]:
    """The shop's plans by id, their names (with `archived`, the archived ones too: old
    subscriptions name them; a gift offers only the live ones)."""
    names: dict[uuid.UUID, str] = {}
    for archived_ones in (False, True) if archived else (False,):
        page = await catalog.list_products(
            session, shop_id=shop_id, limit=MAX_PLANS,
            filters=ProductFilter(kind=ProductKind.PLAN, archived=archived_ones),
        )  # fmt: skip
        names.update({p.id: p.name for p in page.items})
    return names


@router.get(BASE, name="admin_subscriptions")
async def subscription_list(
    request: Request, shell: ShopShellDep, session: SessionDep, clock: ClockDep
) -> Response:
    shell.require(READ)
    shop_id = shell.shop_access.shop.id
    plans = await shop_plans(session, shop_id)
    form = parse_list_query(request.query_params, {
        "status": STATUSES, "plan": [str(p) for p in plans], "ending": ENDING_WITHIN,
    })  # fmt: skip
    plan, ending, status = form.get("plan"), form.get("ending"), form.get("status")
    page = await subscriptions.list_subscriptions(
        session, shop_id=shop_id, now=clock.now(), product_id=uuid.UUID(plan) if plan else None,
        status=subscriptions.SubscriptionStatus(status) if status else None,
        expiring_within_days=int(ending) if ending else None, limit=PAGE_SIZE,
        offset=form.offset,
    )  # fmt: skip
    labels = await identity.customer_labels(
        session, shop_id=shop_id, customer_ids=(s.customer_id for s in page.items)
    )
    context = shell.context(
        form=form, page=page, page_size=PAGE_SIZE, base=base_url(shell), capped=False,
        count_up_to=COUNT_UP_TO, statuses=STATUSES, plans=plans, labels=labels,
        kind="subscription",
    )  # fmt: skip
    return list_response(request, context, page="admin/subscriptions.html",
                         results="admin/_subscription_results.html",
                         target="subscription-results", query=form.query())  # fmt: skip


@router.get(BASE + "/{subscription_id}", name="admin_subscription")
async def subscription_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, subscription_id: uuid.UUID
) -> Response:
    shell.require(READ)
    return await detail_page(request, shell, session, subscription_id)


async def detail_page(
    request: Request, shell: Shell, session: AsyncSession, subscription_id: uuid.UUID, *,
    status_code: int = 200, **extra: Any,
) -> Response:  # fmt: skip
    shop_id = shell.shop_access.shop.id
    sub = await subscriptions.get_subscription(
        session, shop_id=shop_id, subscription_id=subscription_id
    )
    labels = await identity.customer_labels(
        session, shop_id=shop_id, customer_ids=[sub.customer_id]
    )
    plans = await catalog.get_products(session, shop_id=shop_id, product_ids=[sub.product_id])
    context = shell.context(
        sub=sub, customer_label=labels.get(sub.customer_id), base=base_url(shell),
        plan_name=plans[sub.product_id].name if sub.product_id in plans else "—",
        url=f"{base_url(shell)}/{sub.id}", **extra,
    )  # fmt: skip
    return render(request, "admin/subscription.html", context, status_code=status_code)
