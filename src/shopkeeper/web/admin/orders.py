"""The orders pages: the list (state, number, sort, pages) and one order with its lines,
payments, refunds, invoice and the actions the member's role allows (`order_actions`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, invoices, orders, payments
from shopkeeper.deps import SessionDep
from shopkeeper.kit.ids import new_id
from shopkeeper.orders import OrderRead, OrderState
from shopkeeper.web.admin.deps import Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import list_response
from shopkeeper.web.admin.order_filters import COUNT_UP_TO, PAGE_SIZE, parse_order_filters
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/orders"
RESULTS_TARGET = "order-results"
READ, WRITE, REFUND = "orders.read", "orders.write", "orders.refund"


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/orders"


@router.get(BASE, name="admin_orders")
async def order_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """Newest first; an HTMX request for the results gets only that part."""
    shell.require(READ)
    form = parse_order_filters(request.query_params)
    shop_id = shell.shop_access.shop.id
    page = await orders.list_orders(
        session, shop_id=shop_id, state=form.state, number=form.number, sort=form.sort,
        customer_id=form.customer, limit=PAGE_SIZE, offset=form.offset, count_up_to=COUNT_UP_TO,
    )  # fmt: skip
    labels = await identity.customer_labels(
        session, shop_id=shop_id, customer_ids=(order.customer_id for order in page.items)
    )
    context = shell.context(
        form=form, page=page, page_size=PAGE_SIZE, labels=labels, base=base_url(shell),
        capped=page.total > COUNT_UP_TO, count_up_to=COUNT_UP_TO, states=list(OrderState),
    )  # fmt: skip
    return list_response(request, context, page="admin/orders.html",
                         results="admin/_order_results.html", target=RESULTS_TARGET,
                         query=form.query())  # fmt: skip


@router.get(BASE + "/{order_id}", name="admin_order")
async def order_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, order_id: uuid.UUID
) -> Response:
    shell.require(READ)
    return await detail_page(request, shell, session, order_id)


@router.get(BASE + "/{order_id}/invoice.pdf", name="admin_order_invoice")
async def invoice_pdf(shell: ShopShellDep, session: SessionDep, order_id: uuid.UUID) -> Response:
    """The order's invoice as issued (404 until the order is paid)."""
    shell.require(READ)
    invoice, pdf = await invoices.order_invoice_pdf(
        session, shop_id=shell.shop_access.shop.id, order_id=order_id
    )
    filename = invoice.number.replace("/", "-") + ".pdf"
    return Response(
        pdf, media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )  # fmt: skip


async def detail_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    order_id: uuid.UUID,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The order's page; actions that were refused render it again with their error."""
    context = await detail_context(shell, session, order_id)
    context.update(extra)
    return render(request, "admin/order.html", shell.context(**context), status_code=status_code)


async def detail_context(
    shell: Shell, session: AsyncSession, order_id: uuid.UUID
) -> dict[str, Any]:
    shop_id = shell.shop_access.shop.id
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    context: dict[str, Any] = {
        "order": order, "url": f"{base_url(shell)}/{order.id}", "base": base_url(shell),
        "customer": await _customer(session, order),
        "invoice": await invoices.get_order_invoice(session, shop_id=shop_id, order_id=order.id),
        "payments": None, "refunds": None,
        "refundable": await payments.refundable_amount(session, shop_id=shop_id, order_id=order.id),
        "request_key": new_id(),  # one message per press of "send the invoice"
    }  # fmt: skip
    if shell.can("payments.read"):
        context["payments"] = await payments.list_payments(
            session, shop_id=shop_id, order_id=order.id
        )
        context["refunds"] = await payments.list_refunds(
            session, shop_id=shop_id, order_id=order.id
        )
    return context


async def _customer(session: AsyncSession, order: OrderRead) -> identity.CustomerRead | None:
    if order.customer_id is None:
        return None
    try:
        return await identity.get_customer(
            session, shop_id=order.shop_id, customer_id=order.customer_id
        )
    except identity.CustomerNotFound:
        return None
