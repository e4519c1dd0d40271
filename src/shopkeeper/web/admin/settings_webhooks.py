"""/admin/s/{slug}/settings/webhooks: a shop's outbound webhook endpoints — the list with each
one's last delivery, a new one and changes from a form (errors by field), the signing secret
shown once (on creation and after a confirmed rotation), a test event, deletion after a
confirmation, an endpoint's delivery log (filter by status, pages) and sending one again.

Everything goes through the integrations context (which audits the changes); every page and
action needs settings.manage, as the settings tab that leads here.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import integrations
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.list_query import PAGE_SIZE, list_response, parse_list_query
from shopkeeper.web.admin.settings_webhook_form import (
    WebhookForm,
    empty_form,
    event_labels,
    form_of,
    parse_endpoint,
    read_form,
    url_refused,
)
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/settings/webhooks"
MANAGE = "settings.manage"
STATUSES = [s.value for s in integrations.DeliveryStatus]


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/settings/webhooks"


@router.get(BASE, name="admin_settings_webhooks")
async def endpoint_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """The shop's endpoints, oldest first, each with its newest delivery."""
    shell.require(MANAGE)
    shop_id = shell.shop_access.shop.id
    endpoints = await integrations.list_endpoints(session, shop_id=shop_id)
    latest = await integrations.latest_deliveries(session, shop_id=shop_id)
    context = shell.context(endpoints=endpoints, latest=latest, base=base_url(shell),
                            labels=event_labels(gettext_for(request)))  # fmt: skip
    return render(request, "admin/settings/webhooks.html", context)


@router.get(BASE + "/new", name="admin_settings_webhook_new")
async def new_endpoint(request: Request, shell: ShopShellDep) -> Response:
    shell.require(MANAGE)
    return _form_page(request, shell, empty_form(), None)


@router.post(BASE + "/new", dependencies=[CsrfDep])
async def create_endpoint(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    """Register it and show its signing secret, this once."""
    shell.require(MANAGE)
    _ = gettext_for(request)
    form = read_form(await request.form())
    data = parse_endpoint(form, _)
    if data is None:
        return _form_page(request, shell, form, None, status_code=422)
    try:
        made = await integrations.create_endpoint(
            session, shop_id=shell.shop_access.shop.id, data=data, actor=shell.shop_access.actor,
            secrets=container.secrets, settings=container.settings, now=container.clock.now(),
        )  # fmt: skip
    except integrations.EndpointUrlRejected:
        await session.rollback()
        form.add("url", url_refused(_))
        return _form_page(request, shell, form, None, status_code=422)
    return _secret_page(request, shell, made, rotated=False)


@router.get(BASE + "/{endpoint_id}", name="admin_settings_webhook")
async def endpoint_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, endpoint_id: uuid.UUID
) -> Response:
    """The endpoint and its delivery log (newest first, by status, a page at a time)."""
    shell.require(MANAGE)
    return await _detail(request, shell, session, endpoint_id)


async def _detail(
    request: Request, shell: Shell, session: AsyncSession, endpoint_id: uuid.UUID,
    **extra: Any,
) -> Response:  # fmt: skip
    shop_id = shell.shop_access.shop.id
    endpoint = await integrations.get_endpoint(session, shop_id=shop_id, endpoint_id=endpoint_id)
    form = parse_list_query(request.query_params, {"status": STATUSES})
    status = form.get("status")
    page = await integrations.list_deliveries(
        session, shop_id=shop_id, endpoint_id=endpoint.id,
        status=integrations.DeliveryStatus(status) if status else None, limit=PAGE_SIZE,
        offset=form.offset,
    )  # fmt: skip
    url = f"{base_url(shell)}/{endpoint.id}"
    context = shell.context(endpoint=endpoint, page=page, form=form, page_size=PAGE_SIZE,
                            base=base_url(shell), url=url,
                            labels=event_labels(gettext_for(request)), **extra)  # fmt: skip
    return list_response(request, context, page="admin/settings/webhook.html",
                         results="admin/settings/_webhook_deliveries.html",
                         target="delivery-results", query=form.query())  # fmt: skip


@router.get(BASE + "/{endpoint_id}/edit", name="admin_settings_webhook_edit")
async def edit_endpoint(
    request: Request, shell: ShopShellDep, session: SessionDep, endpoint_id: uuid.UUID
) -> Response:
    shell.require(MANAGE)
    endpoint = await integrations.get_endpoint(
        session, shop_id=shell.shop_access.shop.id, endpoint_id=endpoint_id
    )
    return _form_page(request, shell, form_of(endpoint), endpoint)


@router.post(BASE + "/{endpoint_id}/edit", dependencies=[CsrfDep])
async def update_endpoint(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    endpoint_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Save the form over the endpoint; switching it on again clears its failure record."""
    shell.require(MANAGE)
    _ = gettext_for(request)
    shop_id = shell.shop_access.shop.id
    endpoint = await integrations.get_endpoint(session, shop_id=shop_id, endpoint_id=endpoint_id)
    form = read_form(await request.form())
    data = parse_endpoint(form, _)
    if data is None:
        return _form_page(request, shell, form, endpoint, status_code=422)
    try:
        await integrations.update_endpoint(
            session, shop_id=shop_id, endpoint_id=endpoint.id,
            data=integrations.EndpointUpdate(**data.model_dump()), actor=shell.shop_access.actor,
            settings=container.settings, now=container.clock.now(),
        )  # fmt: skip
    except integrations.EndpointUrlRejected:
        await session.rollback()
        form.add("url", url_refused(_))
        return _form_page(request, shell, form, endpoint, status_code=422)
    return redirect_with_flash(f"{base_url(shell)}/{endpoint.id}", "webhook_saved",
                               container.settings)  # fmt: skip


@router.post(BASE + "/{endpoint_id}/test", dependencies=[CsrfDep])
async def send_test(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    endpoint_id: uuid.UUID,
) -> Response:  # fmt: skip
    """POST a signed test event now and show what the endpoint answered."""
    shell.require(MANAGE)
    shop_id = shell.shop_access.shop.id
    await integrations.get_endpoint(session, shop_id=shop_id, endpoint_id=endpoint_id)
    await session.commit()  # no transaction stays open while the endpoint answers
    result = await integrations.send_test(container, shop_id=shop_id, endpoint_id=endpoint_id)
    return await _detail(request, shell, session, endpoint_id, test_result=result)


@router.get(BASE + "/{endpoint_id}/rotate", name="admin_settings_webhook_rotate")
async def confirm_rotate(
    request: Request, shell: ShopShellDep, session: SessionDep, endpoint_id: uuid.UUID
) -> Response:
    shell.require(MANAGE)
    return await _confirm_page(request, shell, session, endpoint_id, "rotate")


@router.post(BASE + "/{endpoint_id}/rotate", dependencies=[CsrfDep])
async def rotate_secret(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    endpoint_id: uuid.UUID,
) -> Response:  # fmt: skip
    """A new signing secret (the old one stops at once), shown this once."""
    shell.require(MANAGE)
    if (await request.form()).get("confirmed") != "yes":
        return await _confirm_page(request, shell, session, endpoint_id, "rotate")
    rotated = await integrations.rotate_secret(
        session, shop_id=shell.shop_access.shop.id, endpoint_id=endpoint_id,
        actor=shell.shop_access.actor, secrets=container.secrets, now=container.clock.now(),
    )  # fmt: skip
    return _secret_page(request, shell, rotated, rotated=True)


@router.get(BASE + "/{endpoint_id}/delete", name="admin_settings_webhook_delete")
async def confirm_delete(
    request: Request, shell: ShopShellDep, session: SessionDep, endpoint_id: uuid.UUID
) -> Response:
    shell.require(MANAGE)
    return await _confirm_page(request, shell, session, endpoint_id, "delete")


@router.post(BASE + "/{endpoint_id}/delete", dependencies=[CsrfDep])
async def delete_endpoint(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    endpoint_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Remove the endpoint with its delivery log."""
    shell.require(MANAGE)
    if (await request.form()).get("confirmed") != "yes":
        return await _confirm_page(request, shell, session, endpoint_id, "delete")
    await integrations.delete_endpoint(
        session, shop_id=shell.shop_access.shop.id, endpoint_id=endpoint_id,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return redirect_with_flash(base_url(shell), "webhook_deleted", container.settings)


@router.post(BASE + "/{endpoint_id}/deliveries/{delivery_id}/retry", dependencies=[CsrfDep])
async def retry_delivery(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, endpoint_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Send one delivery again now (same webhook-id); the log shows the new attempt."""
    shell.require(MANAGE)
    shop_id = shell.shop_access.shop.id
    await integrations.get_endpoint(session, shop_id=shop_id, endpoint_id=endpoint_id)
    await session.commit()  # no transaction stays open while the endpoint answers
    url = f"{base_url(shell)}/{endpoint_id}"
    try:
        sent = await integrations.retry_delivery(
            container, shop_id=shop_id, endpoint_id=endpoint_id, delivery_id=delivery_id,
            actor=shell.shop_access.actor,
        )  # fmt: skip
    except integrations.DeliveryBusy:
        return redirect_with_flash(url, "delivery_busy", container.settings)
    flash = "delivery_sent" if sent.status == integrations.DeliveryStatus.SUCCEEDED else (
        "delivery_failed_again")  # fmt: skip
    return redirect_with_flash(url, flash, container.settings)


async def _confirm_page(
    request: Request, shell: Shell, session: AsyncSession, endpoint_id: uuid.UUID, action: str
) -> Response:
    endpoint = await integrations.get_endpoint(
        session, shop_id=shell.shop_access.shop.id, endpoint_id=endpoint_id
    )
    context = shell.context(endpoint=endpoint, action=action, base=base_url(shell),
                            url=f"{base_url(shell)}/{endpoint.id}")  # fmt: skip
    return render(request, "admin/settings/webhook_confirm.html", context)


def _secret_page(
    request: Request, shell: Shell, endpoint: integrations.EndpointWithSecret, *, rotated: bool
) -> Response:
    context = shell.context(endpoint=endpoint, rotated=rotated, base=base_url(shell),
                            url=f"{base_url(shell)}/{endpoint.id}")  # fmt: skip
    response = render(request, "admin/settings/webhook_secret.html", context,
                      status_code=200 if rotated else 201)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"  # the secret is not kept anywhere
    return response


def _form_page(
    request: Request, shell: Shell, form: WebhookForm,
    endpoint: integrations.EndpointRead | None, *, status_code: int = 200,
) -> Response:  # fmt: skip
    action = f"{base_url(shell)}/{endpoint.id}/edit" if endpoint else f"{base_url(shell)}/new"
    context = shell.context(form=form, endpoint=endpoint, action=action, base=base_url(shell),
                            labels=event_labels(gettext_for(request)))  # fmt: skip
    return render(request, "admin/settings/webhook_form.html", context, status_code=status_code)
