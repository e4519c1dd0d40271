"""/admin/s/{slug}/checkout/warranty: which warranty is sold with which product — the offers
(filtered by product), adding one, changing its length or pausing it, removing it after a
confirmation.

Through the functions the JSON API calls (checkout.warranty `list_offers`, `create_offer`,
`update_offer`, `delete_offer`): checkout.read to look, checkout.write to change. The covered
products and the warranty variants come from the catalog; refusals come back beside fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.checkout import warranty
from shopkeeper.deps import ContainerDep, SessionDep
from shopkeeper.web.admin.checkout_shipping import READ, WRITE, shop_locale
from shopkeeper.web.admin.deps import CsrfDep, Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, error_text, money, one
from shopkeeper.web.security import ADMIN_PATH, set_flash
from shopkeeper.web.templating import gettext_for, render

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/checkout/warranty"


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/checkout/warranty"


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Known:
    """The shop's physical products and warranty variants, by id, as the pages name them."""

    products: dict[str, Choice]
    warranties: dict[str, Choice]

    def product(self, product_id: uuid.UUID) -> Choice:
        return self.products.get(str(product_id), Choice(str(product_id), "—"))

    def warranty(self, variant_id: uuid.UUID) -> Choice:
        return self.warranties.get(str(variant_id), Choice(str(variant_id), "—"))


async def known(session: AsyncSession, shop: Any) -> Known:
    locale = shop_locale(shop)
    physical = await catalog.all_products(
        session, shop_id=shop.id, filters=catalog.ProductFilter(kind=catalog.ProductKind.PHYSICAL)
    )
    kinds = catalog.ProductFilter(kind=catalog.ProductKind.WARRANTY)
    warranties: dict[str, Choice] = {}
    for product in await catalog.all_products(session, shop_id=shop.id, filters=kinds):
        for v in product.variants:
            prices = sorted(v.prices, key=lambda p: (p.currency != shop.currency, p.currency))
            name = f"{product.name} — {v.name}" if v.name else product.name
            detail = " · ".join([v.sku, *(money(p.amount, p.currency, locale) for p in prices)])
            warranties[str(v.id)] = Choice(str(v.id), name, detail)
    products = {str(p.id): Choice(str(p.id), p.name) for p in physical}
    return Known(products=dict(sorted(products.items(), key=lambda i: i[1].name.lower())),
                 warranties=warranties)  # fmt: skip


@dataclass(frozen=True)
class Row:
    o: warranty.WarrantyOfferRead
    product: Choice
    warranty: Choice


def _take(form: Form, exc: Exception, _: Any) -> None:
    """The service's refusal beside the field it concerns, in the reader's language."""
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else "form"
            form.add(key, error_text(error, _, {}))
    elif isinstance(exc, warranty.InvalidWarrantyOffer):
        if exc.detail.startswith("product_id"):
            message = _("Choose a physical product of this shop that is not archived.")
            form.add("product_id", message)
        else:
            form.add("variant_id", _("Choose a variant of a warranty product of this shop."))
    elif isinstance(exc, warranty.WarrantyOfferExists):
        form.add("form", _("This warranty is already offered for this product."))


async def _list_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    form: Form,
    product: str = "",
    *,
    status_code: int = 200,
) -> Response:
    shop = shell.shop_access.shop
    names = await known(session, shop)
    product_id = uuid.UUID(product) if product else None
    offers = await warranty.list_offers(session, shop_id=shop.id, product_id=product_id)
    rows = [Row(o, names.product(o.product_id), names.warranty(o.variant_id)) for o in offers]
    rows.sort(key=lambda r: (r.product.name.lower(), r.o.months))
    context = shell.context(rows=rows, known=names, form=form, product=product,
                            base=base_url(shell), editable=shell.can(WRITE))  # fmt: skip
    return render(request, "admin/checkout/warranty_list.html", context, status_code=status_code)


@router.get(BASE, name="admin_checkout_warranty")
async def index(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    product: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    """The offers (of one product when filtered) and, for those allowed, the form to add one."""
    shell.require(READ)
    chosen = str(product) if product else ""
    form = Form(values={"product_id": chosen, "variant_id": "", "months": "24", "active": "on"})
    return await _list_page(request, shell, session, form, chosen)


@router.post(BASE, dependencies=[CsrfDep])
async def create(
    request: Request, shell: ShopShellDep, session: SessionDep, container: ContainerDep
) -> Response:
    shell.require(WRITE)
    data = await request.form()
    form = Form(values={name: one(data, name, 64) for name in ("product_id", "variant_id")})
    form.values["months"] = one(data, "months", 16)
    form.values["active"] = "on" if one(data, "active", 8) else ""
    try:
        body = warranty.WarrantyOfferCreate.model_validate(
            {**form.values, "active": form.values["active"] == "on"}
        )
        await warranty.create_offer(
            session, shop_id=shell.shop_access.shop.id, data=body,
            actor=shell.shop_access.actor, now=container.clock.now(),
        )  # fmt: skip
    except (ValidationError, warranty.InvalidWarrantyOffer, warranty.WarrantyOfferExists) as exc:
        await session.rollback()
        _take(form, exc, gettext_for(request))
        return await _list_page(request, shell, session, form, status_code=422)
    return _back(shell, "warranty_created", container)


def _back(shell: Shell, flash: str, container: Any) -> Response:
    response = RedirectResponse(base_url(shell), status_code=303)
    set_flash(response, flash, container.settings)
    return response


async def _offer_page(
    request: Request,
    shell: Shell,
    session: AsyncSession,
    offer: warranty.WarrantyOfferRead,
    form: Form,
    template: str = "admin/checkout/warranty_form.html",
    *,
    status_code: int = 200,
) -> Response:
    names = await known(session, shell.shop_access.shop)
    context = shell.context(
        o=offer, form=form, product=names.product(offer.product_id),
        warranty=names.warranty(offer.variant_id), base=base_url(shell),
        url=f"{base_url(shell)}/{offer.id}", editable=shell.can(WRITE),
    )  # fmt: skip
    return render(request, template, context, status_code=status_code)


async def _offer(shell: Shell, session: AsyncSession, offer_id: uuid.UUID) -> Any:
    return await warranty.get_offer(session, shop_id=shell.shop_access.shop.id, offer_id=offer_id)


@router.get(BASE + "/{offer_id}", name="admin_checkout_warranty_offer")
async def edit(
    request: Request, shell: ShopShellDep, session: SessionDep, offer_id: uuid.UUID
) -> Response:
    shell.require(READ)
    offer = await _offer(shell, session, offer_id)
    form = Form(values={"months": str(offer.months), "active": "on" if offer.active else ""})
    return await _offer_page(request, shell, session, offer, form)


@router.post(BASE + "/{offer_id}", dependencies=[CsrfDep])
async def update(
    request: Request,
    shell: ShopShellDep,
    session: SessionDep,
    container: ContainerDep,
    offer_id: uuid.UUID,
) -> Response:
    """A new length or active state (the product and the warranty stay: add a new offer)."""
    shell.require(WRITE)
    offer = await _offer(shell, session, offer_id)
    data = await request.form()
    form = Form(values={"months": one(data, "months", 16),
                        "active": "on" if one(data, "active", 8) else ""})  # fmt: skip
    try:
        changes = warranty.WarrantyOfferUpdate.model_validate(
            {"months": form.values["months"], "active": form.values["active"] == "on"}
        )
    except ValidationError as exc:
        _take(form, exc, gettext_for(request))
        return await _offer_page(request, shell, session, offer, form, status_code=422)
    await warranty.update_offer(
        session, shop_id=shell.shop_access.shop.id, offer_id=offer_id, data=changes,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return _back(shell, "warranty_saved", container)


@router.get(BASE + "/{offer_id}/remove", name="admin_checkout_warranty_remove")
async def confirm_remove(
    request: Request, shell: ShopShellDep, session: SessionDep, offer_id: uuid.UUID
) -> Response:
    shell.require(WRITE)
    offer = await _offer(shell, session, offer_id)
    template = "admin/checkout/warranty_remove.html"
    return await _offer_page(request, shell, session, offer, Form(), template)


@router.post(BASE + "/{offer_id}/remove", dependencies=[CsrfDep])
async def remove(
    shell: ShopShellDep, session: SessionDep, container: ContainerDep, offer_id: uuid.UUID
) -> Response:
    """Gone for new choices; carts that hold it must choose again, orders keep theirs."""
    shell.require(WRITE)
    await warranty.delete_offer(
        session, shop_id=shell.shop_access.shop.id, offer_id=offer_id,
        actor=shell.shop_access.actor, now=container.clock.now(),
    )  # fmt: skip
    return _back(shell, "warranty_removed", container)
