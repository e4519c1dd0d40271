"""What catalog.write may do to a product's variants (SKUs) from its page: add one, rename it
or change its SKU, archive it after a confirmation, set or remove its price in a currency,
set its stock (or stop tracking it) and add or take away stock with a reason. A refused
form comes back on the product's page beside its field (keys "<variant id>:<field>")."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request, Response

from shopkeeper import catalog
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.errors import AppError
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, one
from shopkeeper.web.admin.product_form import amount, catalog_error, validated, whole
from shopkeeper.web.admin.products import BASE, WRITE, base_url, load_product, product_page
from shopkeeper.web.security import ADMIN_PATH, redirect_with_flash
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
VARIANT = BASE + "/{product_id}/variants/{variant_id}"
REASON_LIMIT = 200


def _variant(product: catalog.ProductRead, variant_id: uuid.UUID) -> catalog.VariantRead:
    found = next((v for v in product.variants if v.id == variant_id), None)
    if found is None:
        raise catalog.VariantNotFound()
    return found


async def _run(
    request: Request, shell: Shell, session: Any, product: catalog.ProductRead, form: Form,
    key: str, call: Awaitable[object], flash: str, container: Any,
) -> Response:  # fmt: skip
    """Call the service; back to the product with `flash`, or its page with the refusal."""
    try:
        await call
    except AppError as exc:
        await session.rollback()
        field, message = catalog_error(exc, gettext_for(request))
        if field == "form":
            return product_page(request, shell, product, form=form, error=message,
                                status_code=exc.status_code)  # fmt: skip
        form.add(f"{key}:{field}" if key else f"new_{field}", message)
        return product_page(request, shell, product, form=form, status_code=exc.status_code)
    url = f"{base_url(shell)}/{product.id}"
    return redirect_with_flash(url, flash, container.settings)


def _refused(request: Request, shell: Shell, product: catalog.ProductRead, form: Form) -> Response:
    return product_page(request, shell, product, form=form, status_code=422)


def _keyed(form: Form, key: str) -> Form:
    """The form's values and errors under "<key>:<field>", as the product page reads them."""
    prefix = f"{key}:" if key else "new_"
    return Form(
        values={prefix + name: value for name, value in form.values.items()},
        errors={prefix + name: errors for name, errors in form.errors.items()},
    )


def _sku_and_name(form: Form) -> dict[str, Any]:
    body: dict[str, Any] = {"name": form.values["name"]}
    if form.values["sku"]:
        body["sku"] = form.values["sku"]
    return body


@router.post(BASE + "/{product_id}/variants", dependencies=[CsrfDep])
async def add_variant(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID,
) -> Response:  # fmt: skip
    """A new SKU with its price in the shop's currency (and its stock, if physical)."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    data = await request.form()
    form = Form(values={name: one(data, name) for name in ("sku", "name", "price", "stock")})
    currency = shell.shop_access.shop.currency
    body = _sku_and_name(form)
    if form.values["price"]:
        price = amount(form, "price", currency, request_language(request), _)
        body["prices"] = [{"currency": currency, "amount": price or 0}]
    if form.values["stock"]:
        body["stock"] = whole(form, "stock", _)
    spec = validated(catalog.VariantCreate, body, form, _)
    if spec is None:
        return _refused(request, shell, product, _keyed(form, ""))
    call = catalog.add_variant(
        session, shop_id=product.shop_id, product_id=product.id, data=spec,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, _keyed(form, ""), "", call,
                      "variant_added", container)  # fmt: skip


@router.post(VARIANT, dependencies=[CsrfDep])
async def update_variant(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The SKU and the variant's name (e.g. "Size M")."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    data = await request.form()
    form = Form(values={"sku": one(data, "sku"), "name": one(data, "name")})
    if not form.values["sku"]:
        form.add("sku", _("Fill this in."))
    changes = validated(catalog.VariantUpdate, _sku_and_name(form), form, _)
    key = str(variant.id)
    if changes is None:
        return _refused(request, shell, product, _keyed(form, key))
    call = catalog.update_variant(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        data=changes, actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, _keyed(form, key), key, call,
                      "variant_saved", container)  # fmt: skip


@router.get(VARIANT + "/archive", name="admin_variant_archive")
async def confirm_archive_variant(
    request: Request, shell: ShopShellDep, session: SessionDep, product_id: uuid.UUID,
    variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    context = shell.context(product=product, variant=variant,
                            url=f"{base_url(shell)}/{product.id}")  # fmt: skip
    return render(request, "admin/variant_archive.html", context)


@router.post(VARIANT + "/archive", dependencies=[CsrfDep])
async def archive_variant(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    """The SKU stops selling and is free again; a product keeps at least one."""
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    if (await request.form()).get("confirmed") != "yes":
        return await confirm_archive_variant(request, shell, session, product_id, variant_id)
    call = catalog.archive_variant(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, Form(), str(variant.id), call,
                      "variant_archived", container)  # fmt: skip


@router.post(VARIANT + "/prices", dependencies=[CsrfDep])
async def set_price(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Add a currency's price, or change it (`row=existing`: the field is that currency's)."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    data = await request.form()
    currency = one(data, "currency").upper()
    form = Form(values={"currency": currency, "amount": one(data, "amount")})
    where = f"price_{currency}" if data.get("row") == "existing" else "amount"
    valid = validated(catalog.PriceIn, {"currency": currency, "amount": 0}, form, _)
    cents: int | None = None
    if valid is not None:
        form.values[where] = form.values["amount"]
        cents = amount(form, where, valid.currency, request_language(request), _)
    key = str(variant.id)
    if valid is None or cents is None:
        return _refused(request, shell, product, _keyed(form, key))
    call = catalog.set_price(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        currency=valid.currency, amount=cents, actor=shell.shop_access.actor,
        now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, _keyed(form, key), key, call,
                      "price_saved", container)  # fmt: skip


@router.post(VARIANT + "/prices/{currency}/remove", dependencies=[CsrfDep])
async def remove_price(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID, currency: str,
) -> Response:  # fmt: skip
    """The SKU stops selling in that currency (the others stay)."""
    shell.require(WRITE)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    call = catalog.remove_price(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        currency=currency.upper()[:3], actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, Form(), str(variant.id), call,
                      "price_removed", container)  # fmt: skip


@router.post(VARIANT + "/stock", dependencies=[CsrfDep])
async def set_stock(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    """A count after a stocktake, or (`untrack`) no count: always available."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    data = await request.form()
    form = Form(values={"stock": one(data, "stock"), "untrack": one(data, "untrack"),
                        "stock_reason": one(data, "reason", REASON_LIMIT)})  # fmt: skip
    count = None if form.values["untrack"] == "on" else whole(form, "stock", _)
    reason = form.values["stock_reason"] or _("Stocktake")
    key = str(variant.id)
    if form.errors:
        return _refused(request, shell, product, _keyed(form, key))
    call = catalog.set_stock(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        stock=count, reason=reason, actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, _keyed(form, key), key, call,
                      "stock_set", container)  # fmt: skip


@router.post(VARIANT + "/stock/adjust", dependencies=[CsrfDep])
async def adjust_stock(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep,
    product_id: uuid.UUID, variant_id: uuid.UUID,
) -> Response:  # fmt: skip
    """Add (a delivery: +12) or take away (damage: -2) stock, with the reason."""
    shell.require(WRITE)
    _ = gettext_for(request)
    product = await load_product(session, shell, product_id)
    variant = _variant(product, variant_id)
    data = await request.form()
    form = Form(
        values={"delta": one(data, "delta"), "delta_reason": one(data, "reason", REASON_LIMIT)}
    )
    limit = 1_000_000_000
    delta = whole(form, "delta", _, low=-limit, high=limit)
    if delta == 0:
        form.add("delta", _("Enter how many to add (12) or take away (-2)."))
    if not form.values["delta_reason"]:
        form.add("delta_reason", _("Say why, e.g. a delivery or a damaged item."))
    key = str(variant.id)
    if form.errors or delta is None:
        return _refused(request, shell, product, _keyed(form, key))
    call = catalog.adjust_stock(
        session, shop_id=product.shop_id, product_id=product.id, variant_id=variant.id,
        delta=delta, reason=form.values["delta_reason"], actor=shell.shop_access.actor,
        now=container.clock.now(),
    )  # fmt: skip
    return await _run(request, shell, session, product, _keyed(form, key), key, call,
                      "stock_adjusted", container)  # fmt: skip
