"""/admin/s/{slug}/checkout/shipping: a shop's shipping methods — the list, creating and
editing one (prices per currency in major units written the shop's way, add-ons such as
Sunday delivery, limits, categories, cash on delivery, a delivery date with its calendar),
deactivating it after a confirmation, activating it again.

Everything goes through the functions the JSON API calls (checkout.shipping.methods), with
its permissions: checkout.read to look, checkout.write for every change. The schema's errors
come back beside their fields and nothing of a refused form is kept.
"""

from __future__ import annotations

import uuid
from typing import Any

from babel.core import Locale, UnknownLocaleError
from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, shops
from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping import AddonRule, MethodKind, ShippingMethodCreate, methods
from shopkeeper.checkout.shipping.errors import ShippingCodeTaken
from shopkeeper.checkout.shipping.schemas import ShippingMethodRead, ShippingMethodUpdate
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.checkout_shipping_form import (
    ShippingForm,
    category_choices,
    empty_form,
    form_of,
    parse_form,
    payload,
    take,
)
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import example, money
from shopkeeper.web.security import ADMIN_PATH, set_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/checkout/shipping"
# The JSON API's permissions (checkout/shipping/router.py), the same on every page.
READ, WRITE = "checkout.read", "checkout.write"


def shop_locale(shop: shops.ShopRead) -> str:
    """The locale amounts are typed and shown in: the shop's language (else English)."""
    try:
        Locale.parse(shop.default_language)
    except (UnknownLocaleError, ValueError):
        return "en"
    return shop.default_language


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/checkout/shipping"


def back_to_list(shell: Shell, flash: str, container: Any) -> Response:
    response = RedirectResponse(base_url(shell), status_code=303)
    set_flash(response, flash, container.settings)
    return response


async def category_tree(session: AsyncSession, shop_id: uuid.UUID) -> list[tuple[Any, int]]:
    """The shop's categories in tree order, each with its depth (for indentation)."""
    found = await catalog.list_categories(session, shop_id=shop_id)
    children: dict[uuid.UUID | None, list[Any]] = {}
    for category in sorted(found, key=lambda c: (c.position, c.name.lower())):
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Any, int]] = []
    known = {c.id for c in found}

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for child in children.get(parent, []):
            ordered.append((child, depth))
            walk(child.id, depth + 1)

    walk(None, 0)
    for orphan_parent in [p for p in children if p is not None and p not in known]:
        walk(orphan_parent, 0)  # a parent outside the list: show its children at the top
    return ordered


def _kinds(_: Any) -> dict[str, str]:
    return {
        MethodKind.COURIER.value: _("Courier"),
        MethodKind.PARCEL_LOCKER.value: _("Parcel locker"),
        MethodKind.PICKUP.value: _("Pickup"),
        MethodKind.POST.value: _("Post"),
    }


def _rules(_: Any) -> dict[str, str]:
    return {
        AddonRule.ANY_DAY.value: _("Any delivery day"),
        AddonRule.SUNDAY.value: _("Sundays only"),
        AddonRule.SLOT.value: _("Days with a slot"),
    }


@router.get(BASE, name="admin_checkout_shipping")
async def index(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """The shop's shipping methods in their order, active ones first."""
    shell.require(READ)
    shop = shell.shop_access.shop
    locale = shop_locale(shop)
    found = await methods.list_methods(session, shop_id=shop.id)
    found.sort(key=lambda m: (not m.active, m.position, m.name.lower()))
    rows = [{"m": m, "prices": _prices(m, shop.currency, locale)} for m in found]
    context = shell.context(rows=rows, base=base_url(shell), kinds=_kinds(gettext_for(request)))
    return render(request, "admin/checkout/shipping_list.html", context)


def _prices(method: ShippingMethodRead, currency: str, locale: str) -> list[dict[str, str]]:
    """Each price with its free-from threshold, the shop's currency first."""
    order = sorted(method.prices, key=lambda c: (c != currency, c))
    return [
        {"price": money(method.prices[c], c, locale),
         "free": money(method.free_above[c], c, locale) if c in method.free_above else ""}
        for c in order
    ]  # fmt: skip


async def _form_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    form: ShippingForm,
    method: ShippingMethodRead | None,
    *,
    status_code: int = 200,
) -> Response:
    shop = shell.shop_access.shop
    _ = gettext_for(request)
    action = f"{base_url(shell)}/{method.id}" if method else base_url(shell)
    context = shell.context(
        form=form, method=method, base=base_url(shell), action=action, kinds=_kinds(_),
        rules=_rules(_), categories=await category_tree(session, shop.id),
        example=example(shop_locale(shop)), editable=shell.can(WRITE),
    )  # fmt: skip
    return render(request, "admin/checkout/shipping_form.html", context, status_code=status_code)


@router.get(BASE + "/new", name="admin_checkout_shipping_new")
async def new(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    shell.require(WRITE)
    form = empty_form(shell.shop_access.shop.currency)
    return await _form_page(request, shell, session, form, None)


async def _checked(
    request: Request, shell: Shell, session: AsyncSession
) -> tuple[ShippingForm, ShippingMethodCreate | None]:
    """The posted form and, when every field is right, the method it describes."""
    shop = shell.shop_access.shop
    _ = gettext_for(request)
    form = parse_form(await request.form())
    known = {str(c.id) for c, _depth in await category_tree(session, shop.id)}
    form.categories = category_choices(form, known)
    body = payload(form, shop_locale(shop), _)
    if body is None:
        return form, None
    try:
        return form, ShippingMethodCreate.model_validate(body)
    except ValidationError as exc:
        take(form, exc, _)
        return form, None


@router.post(BASE, dependencies=[CsrfDep])
async def create(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    form, data = await _checked(request, shell, session)
    if data is not None:
        try:
            await methods.create_method(
                session, shop_id=shell.shop_access.shop.id, data=data,
                actor=shell.shop_access.actor, now=container.clock.now(),
                cache=cache_store(container),
            )  # fmt: skip
            return back_to_list(shell, "shipping_created", container)
        except ShippingCodeTaken:
            await session.rollback()
            form.add("code", gettext_for(request)("Another method of this shop has this code."))
    return await _form_page(request, shell, session, form, None, status_code=422)


@router.get(BASE + "/{method_id}", name="admin_checkout_shipping_method")
async def edit(
    request: Request, shell: ShopShellDep, session: SessionDep, method_id: uuid.UUID
) -> Response:
    """The method's form (read-only for a role that may not change it)."""
    shell.require(READ)
    shop = shell.shop_access.shop
    method = await methods.get_method(session, shop_id=shop.id, method_id=method_id)
    return await _form_page(request, shell, session, form_of(method, shop_locale(shop)), method)


@router.post(BASE + "/{method_id}", dependencies=[CsrfDep])
async def update(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    method_id: uuid.UUID,
) -> Response:
    """Save the whole form over the method (its active state stays as it is)."""
    shell.require(WRITE)
    shop = shell.shop_access.shop
    method = await methods.get_method(session, shop_id=shop.id, method_id=method_id)
    form, data = await _checked(request, shell, session)
    if data is not None:
        changes = ShippingMethodUpdate.model_validate(data.model_dump(exclude={"active"}))
        try:
            await methods.update_method(
                session, shop_id=shop.id, method_id=method_id, data=changes,
                actor=shell.shop_access.actor, now=container.clock.now(),
                cache=cache_store(container),
            )  # fmt: skip
            return back_to_list(shell, "shipping_saved", container)
        except ShippingCodeTaken:
            await session.rollback()
            form.add("code", gettext_for(request)("Another method of this shop has this code."))
    return await _form_page(request, shell, session, form, method, status_code=422)


@router.get(BASE + "/{method_id}/deactivate", name="admin_checkout_shipping_deactivate")
async def confirm_deactivate(
    request: Request, shell: ShopShellDep, session: SessionDep, method_id: uuid.UUID
) -> Response:
    """The confirmation, as a page (the edit page shows it as a dialog when it can)."""
    shell.require(WRITE)
    method = await methods.get_method(
        session, shop_id=shell.shop_access.shop.id, method_id=method_id
    )
    context = shell.context(method=method, base=base_url(shell))
    return render(request, "admin/checkout/shipping_deactivate.html", context)


async def _set_active(
    shell: Shell, session: AsyncSession, container: Any, method_id: uuid.UUID, active: bool
) -> Response:
    shell.require(WRITE)
    await methods.update_method(
        session, shop_id=shell.shop_access.shop.id, method_id=method_id,
        data=ShippingMethodUpdate(active=active), actor=shell.shop_access.actor,
        now=container.clock.now(), cache=cache_store(container),
    )  # fmt: skip
    return back_to_list(shell, "shipping_activated" if active else "shipping_deactivated",
                        container)  # fmt: skip


@router.post(BASE + "/{method_id}/deactivate", dependencies=[CsrfDep])
async def deactivate(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, method_id: uuid.UUID
) -> Response:
    """No new checkout offers the method; carts that chose it must choose again."""
    return await _set_active(shell, session, container, method_id, False)


@router.post(BASE + "/{method_id}/activate", dependencies=[CsrfDep])
async def activate(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, method_id: uuid.UUID
) -> Response:
    return await _set_active(shell, session, container, method_id, True)
