"""What staff change on a customer's page: a note (only staff see it) and tags
(customers.write; audited by the identity context). A refusal shows on the page."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Form, Request, Response

from shopkeeper import identity
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.customers import BASE, WRITE, base_url, detail_page
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
ONE = BASE + "/{customer_id}"


def _back(shell: Shell, customer_id: uuid.UUID, flash: str, container: Container) -> Response:
    """To its page, which says once what just happened."""
    return redirect_with_flash(f"{base_url(shell)}/{customer_id}", flash, container.settings)


@router.post(ONE + "/notes", dependencies=[CsrfDep])
async def add_note(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    customer_id: uuid.UUID, body: str = Form("", max_length=4000),
) -> Response:  # fmt: skip
    shell.require(WRITE)
    _ = gettext_for(request)
    shop_id, now = shell.shop_access.shop.id, container.clock.now()
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    if not body.strip() or len(body.strip()) > identity.NOTE_LIMIT:
        error = _("Write the note (at most %(limit)s characters).", limit=identity.NOTE_LIMIT)
        return await detail_page(request, shell, session, now, customer, status_code=422,
                                 note_error=error, note_value=body)  # fmt: skip
    await identity.add_note(session, shop_id=shop_id, customer_id=customer.id, body=body,
                            actor=shell.shop_access.actor, now=now)  # fmt: skip
    return _back(shell, customer.id, "note_added", container)


@router.post(ONE + "/tags", dependencies=[CsrfDep])
async def add_tag(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    customer_id: uuid.UUID, tag: str = Form("", max_length=200),
) -> Response:  # fmt: skip
    shell.require(WRITE)
    shop_id, now = shell.shop_access.shop.id, container.clock.now()
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    try:
        await identity.add_tag(session, shop_id=shop_id, customer_id=customer.id, tag=tag,
                               actor=shell.shop_access.actor, now=now)  # fmt: skip
    except identity.InvalidTag as exc:
        await session.rollback()
        return await detail_page(request, shell, session, now, customer,
                                 status_code=exc.status_code, tag_error=_tag_rule(request),
                                 tag_value=tag)  # fmt: skip
    return _back(shell, customer.id, "tag_added", container)


@router.post(ONE + "/tags/{tag}/remove", dependencies=[CsrfDep])
async def remove_tag(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    customer_id: uuid.UUID, tag: str,
) -> Response:  # fmt: skip
    shell.require(WRITE)
    shop_id, now = shell.shop_access.shop.id, container.clock.now()
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    try:
        await identity.remove_tag(session, shop_id=shop_id, customer_id=customer.id, tag=tag,
                                  actor=shell.shop_access.actor, now=now)  # fmt: skip
    except AppError as exc:  # not theirs (any more), or not a tag at all
        await session.rollback()
        return await detail_page(request, shell, session, now, customer,
                                 status_code=exc.status_code, tag_error=exc.detail)  # fmt: skip
    return _back(shell, customer.id, "tag_removed", container)


def _tag_rule(request: Request) -> str:
    _ = gettext_for(request)
    return _("A tag is 1 to 40 letters, digits, “-” or “_”, e.g. vip or wholesale.")
