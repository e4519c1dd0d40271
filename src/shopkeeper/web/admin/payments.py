"""The payments pages: every payment of the shop, and the inbound webhook log with each
webhook's raw payload and what became of it (payments.read)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from shopkeeper import payments
from shopkeeper.deps import SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.payments.providers import PROVIDERS
from shopkeeper.web.admin.deps import Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import (
    COUNT_UP_TO,
    PAGE_SIZE,
    ListQuery,
    list_response,
    parse_list_query,
)
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
READ = "payments.read"
PAYMENT_STATUSES = [s.value for s in payments.PaymentStatus]
WEBHOOK_STATUSES = ["received", "processing", "processed", "parked", "ignored", "rejected",
                    "failed"]  # fmt: skip
PROVIDER_NAMES = sorted(PROVIDERS)


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/payments"


@router.get("/s/{slug}/payments", name="admin_payments")
async def payment_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(READ)
    form = parse_list_query(request.query_params,
                            {"status": PAYMENT_STATUSES, "provider": PROVIDER_NAMES})  # fmt: skip
    page = await payments.browse_payments(
        session, shop_id=shell.shop_access.shop.id, status=form.get("status"),
        provider=form.get("provider"), limit=PAGE_SIZE, offset=form.offset,
        count_up_to=COUNT_UP_TO,
    )  # fmt: skip
    return _list(request, shell, form, page, "payment", base_url(shell), PAYMENT_STATUSES)


@router.get("/s/{slug}/payments/webhooks", name="admin_webhooks")
async def webhook_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(READ)
    form = parse_list_query(request.query_params,
                            {"status": WEBHOOK_STATUSES, "provider": PROVIDER_NAMES})  # fmt: skip
    page = await payments.browse_webhooks(
        session, shop_id=shell.shop_access.shop.id, status=form.get("status"),
        provider=form.get("provider"), limit=PAGE_SIZE, offset=form.offset,
        count_up_to=COUNT_UP_TO,
    )  # fmt: skip
    return _list(request, shell, form, page, "webhook", f"{base_url(shell)}/webhooks",
                 WEBHOOK_STATUSES)  # fmt: skip


@router.get("/s/{slug}/payments/webhooks/{webhook_id}", name="admin_webhook")
async def webhook_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, webhook_id: uuid.UUID
) -> Response:
    """The payload as received (pretty when it is JSON), its headers, the verdict."""
    shell.require(READ)
    hook = await payments.get_webhook(
        session, shop_id=shell.shop_access.shop.id, webhook_id=webhook_id
    )
    context = shell.context(hook=hook, body=_pretty(hook.body), base=base_url(shell))
    return render(request, "admin/webhook.html", context)


def _list(
    request: Request, shell: Shell, form: ListQuery, page: Page[Any], kind: str, base: str,
    statuses: list[str],
) -> Response:  # fmt: skip
    """The list page, or its results part for HTMX (target `<kind>-results`)."""
    context = shell.context(
        form=form, page=page, page_size=PAGE_SIZE, base=base, kind=kind,
        capped=page.total > COUNT_UP_TO, count_up_to=COUNT_UP_TO, statuses=statuses,
        providers=PROVIDER_NAMES, payments_base=base_url(shell),
    )  # fmt: skip
    return list_response(request, context, page=f"admin/{kind}s.html",
                         results=f"admin/_{kind}_results.html", target=f"{kind}-results",
                         query=form.query())  # fmt: skip


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return body
