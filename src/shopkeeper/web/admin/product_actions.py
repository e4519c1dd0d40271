"""What catalog.write may do to a product from its pages: create it, change its details (a
plan's terms too), publish or unpublish it, archive it after a confirmation. Each goes
through the catalog's services, which audit it; a refusal comes back beside its field."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from shopkeeper import catalog
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.deps import CsrfDep, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.product_form import (
    CREATE_FIELDS,
    DETAIL_FIELDS,
    catalog_error,
    parse_create,
    parse_details,
    read_form,
)
from shopkeeper.web.admin.products import (
    BASE,
    WRITE,
    base_url,
    form_page,
    load_product,
    product_page,
)
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)


@router.post(BASE + "/new", dependencies=[CsrfDep])
async def create_product(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    _ = gettext_for(request)
    form = read_form(await request.form(), CREATE_FIELDS)
    shop = shell.shop_access.shop
    data = parse_create(form, currency=shop.currency, locale=request_language(request), _=_)
    if data is None:
        return form_page(request, shell, form, status_code=422)
    try:
        product = await catalog.create_product(
            session, shop_id=shop.id, data=data, actor=shell.shop_access.actor,
            now=container.clock.now(),
        )  # fmt: skip
    except AppError as exc:  # the SKU is taken
        await session.rollback()
        field, message = catalog_error(exc, _)
        form.add(field, message)
        return form_page(request, shell, form, status_code=exc.status_code)
    url = f"{base_url(shell)}/{product.id}"
    return redirect_with_flash(url, "product_created", container.settings)


@router.post(BASE + "/{product_id}", dependencies=[CsrfDep])
async def update_details(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Name, description and, for a plan, its period, trial and grace."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    form = read_form(await request.form(), DETAIL_FIELDS)
    data = parse_details(form, product, _)
    if data is None:
        return product_page(request, shell, product, form=form, status_code=422)
    try:
        await catalog.update_product(
            session, shop_id=product.shop_id, product_id=product.id, data=data,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except AppError as exc:  # archived meanwhile
        await session.rollback()
        _field, message = catalog_error(exc, _)
        return product_page(request, shell, product, form=form, error=message,
                            status_code=exc.status_code)  # fmt: skip
    url = f"{base_url(shell)}/{product.id}"
    return redirect_with_flash(url, "product_saved", container.settings)


async def _publish(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, published: bool,
) -> Response:  # fmt: skip
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    try:
        await catalog.set_published(
            session, shop_id=product.shop_id, product_id=product.id, published=published,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except AppError as exc:  # archived
        await session.rollback()
        _field, message = catalog_error(exc, gettext_for(request))
        return product_page(request, shell, product, error=message, status_code=exc.status_code)
    flash = "product_published" if published else "product_unpublished"
    return redirect_with_flash(f"{base_url(shell)}/{product.id}", flash, container.settings)


@router.post(BASE + "/{product_id}/publish", dependencies=[CsrfDep])
async def publish(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Customers see it in the store and the bots from now on."""
    return await _publish(request, shell, session, container, product_id, True)


@router.post(BASE + "/{product_id}/unpublish", dependencies=[CsrfDep])
async def unpublish(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Back to a draft: hidden from customers, kept for staff."""
    return await _publish(request, shell, session, container, product_id, False)


@router.get(BASE + "/{product_id}/archive", name="admin_product_archive")
async def confirm_archive(
    request: Request, shell: ShopShellDep, session: SessionDep, product_id: uuid.UUID
) -> Response:
    """The confirmation, as a page (the product's page shows it as a dialog when it can)."""
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    url = f"{base_url(shell)}/{product.id}"
    return render(request, "admin/product_archive.html", shell.context(product=product, url=url))


@router.post(BASE + "/{product_id}/archive", dependencies=[CsrfDep])
async def archive(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Soft delete: unpublished and unsellable, its SKUs free; past orders keep snapshots."""
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    url = f"{base_url(shell)}/{product.id}"
    if (await request.form()).get("confirmed") != "yes":
        return render(request, "admin/product_archive.html",
                      shell.context(product=product, url=url))  # fmt: skip
    await catalog.archive_product(
        session, shop_id=product.shop_id, product_id=product.id,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return redirect_with_flash(url, "product_archived", container.settings)
