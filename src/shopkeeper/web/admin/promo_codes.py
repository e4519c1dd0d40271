"""The promo-code pages: the list (active or not), one code with its uses, a new code, a batch
of single-use codes (shown once, and as CSV), deactivation after a confirmation. Reading as in
the JSON API (orders.read), changes need promotions.write; the context audits them."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from shopkeeper import promotions
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form
from shopkeeper.web.admin.list_query import PAGE_SIZE, list_response, parse_list_query
from shopkeeper.web.admin.promo_form import parse_promo, read_form
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/promo-codes"
READ, WRITE = "orders.read", "promotions.write"
MAX_BATCH_EXPORT = 10_000  # the largest batch promotions generates


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/promo-codes"


@router.get(BASE, name="admin_promo_codes")
async def code_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(READ)
    form = parse_list_query(request.query_params, {"state": ["active", "inactive"]})
    state = form.get("state")
    page = await promotions.list_promo_codes(
        session, shop_id=shell.shop_access.shop.id,
        active=None if state is None else state == "active", limit=PAGE_SIZE, offset=form.offset,
    )  # fmt: skip
    context = shell.context(form=form, page=page, page_size=PAGE_SIZE, base=base_url(shell),
                            capped=False, count_up_to=0)  # fmt: skip
    return list_response(request, context, page="admin/promo_codes.html",
                         results="admin/_promo_results.html", target="promo-results",
                         query=form.query())  # fmt: skip


@router.get(BASE + "/new", name="admin_promo_new")
async def new_code(request: Request, shell: ShopShellDep) -> Response:
    shell.require(WRITE)
    return _form_page(
        request, shell, Form(values={"kind": "percent"}), bulk="bulk" in request.query_params
    )


@router.post(BASE + "/new", dependencies=[CsrfDep])
async def create_code(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """One code, or (`bulk`) a batch of single-use ones shown once on the next page."""
    shell.require(WRITE)
    data = await request.form()
    bulk = data.get("mode") == "bulk"
    form = read_form(data)
    shop = shell.shop_access.shop
    parsed = parse_promo(form, bulk=bulk, currency=shop.currency, timezone=shop.timezone,
                         locale=request_language(request), _=gettext_for(request))  # fmt: skip
    if parsed is None:
        return _form_page(request, shell, form, bulk=bulk, status_code=422)
    now, actor = container.clock.now(), shell.shop_access.actor
    try:
        if isinstance(parsed, promotions.PromoBulkCreate):
            batch = await promotions.generate_promo_codes(
                session, shop_id=shop.id, data=parsed, actor=actor, now=now)  # fmt: skip
            context = shell.context(batch=batch, base=base_url(shell))
            return render(request, "admin/promo_batch.html", context, status_code=201)
        promo = await promotions.create_promo_code(
            session, shop_id=shop.id, data=parsed, actor=actor, now=now)  # fmt: skip
    except AppError as exc:  # a code taken already
        await session.rollback()
        form.add("code", exc.detail)
        return _form_page(request, shell, form, bulk=bulk, status_code=exc.status_code)
    return redirect_with_flash(f"{base_url(shell)}/{promo.id}", "promo_created",
                               container.settings)  # fmt: skip


@router.get(BASE + "/batches/{batch_id}.csv", name="admin_promo_batch_csv")
async def batch_csv(shell: ShopShellDep, session: SessionDep, batch_id: uuid.UUID) -> Response:
    """A batch's codes, one per line, to hand out (used ones say so)."""
    shell.require(READ)
    page = await promotions.list_promo_codes(
        session, shop_id=shell.shop_access.shop.id, batch_id=batch_id, limit=MAX_BATCH_EXPORT
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "used", "active"])
    for promo in page.items:
        writer.writerow([promo.code, promo.used_count, "yes" if promo.active else "no"])
    disposition = f'attachment; filename="codes-{batch_id}.csv"'
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.get(BASE + "/{promo_code_id}", name="admin_promo_code")
async def code_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, promo_code_id: uuid.UUID
) -> Response:
    shell.require(READ)
    shop_id = shell.shop_access.shop.id
    promo = await promotions.get_promo_code(session, shop_id=shop_id, promo_code_id=promo_code_id)
    uses = await promotions.list_redemptions(session, shop_id=shop_id, promo_code_id=promo.id,
                                             limit=50)  # fmt: skip
    context = shell.context(promo=promo, uses=uses, base=base_url(shell),
                            url=f"{base_url(shell)}/{promo.id}")  # fmt: skip
    return render(request, "admin/promo_code.html", context)


@router.post(BASE + "/{promo_code_id}/deactivate", dependencies=[CsrfDep])
async def deactivate(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    promo_code_id: uuid.UUID,
) -> Response:  # fmt: skip
    """No new uses from now; orders that used it keep their discount."""
    shell.require(WRITE)
    data = await request.form()
    shop_id = shell.shop_access.shop.id
    promo = await promotions.get_promo_code(session, shop_id=shop_id, promo_code_id=promo_code_id)
    url = f"{base_url(shell)}/{promo.id}"
    if data.get("confirmed") != "yes":
        return render(request, "admin/promo_deactivate.html", shell.context(promo=promo, url=url))
    await promotions.deactivate_promo_code(session, shop_id=shop_id, promo_code_id=promo.id,
                                           actor=shell.shop_access.actor,
                                           now=container.clock.now())  # fmt: skip
    return redirect_with_flash(url, "promo_deactivated", container.settings)


def _form_page(
    request: Request, shell: Shell, form: Form, *, bulk: bool, status_code: int = 200
) -> Response:
    context: dict[str, Any] = {"form": form, "bulk": bulk, "base": base_url(shell)}
    return render(request, "admin/promo_form.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip
