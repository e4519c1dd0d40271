"""/admin/s/{slug}/products: the catalog's products and plans — the list (search by name or
SKU, kind, published / draft / archived, sort, pages) and one product with its variants,
prices per currency and stock. Reading needs catalog.read, as the JSON API; the changes
(product_actions, variant_actions) need catalog.write."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.deps import SessionDep
from shopkeeper.web.admin.deps import Shell, ShopShellDep
from shopkeeper.web.admin.errors import AdminRoute
from shopkeeper.web.admin.forms import Form, Gettext, show_amount
from shopkeeper.web.admin.list_query import PAGE_SIZE, list_response, parse_list_query
from shopkeeper.web.admin.product_form import details_values, new_values, sku_help
from shopkeeper.web.security import ADMIN_PATH
from shopkeeper.web.templating import gettext_for, render, request_language

router = APIRouter(prefix=ADMIN_PATH, route_class=AdminRoute, include_in_schema=False)
BASE = "/s/{slug}/products"
READ, WRITE = "catalog.read", "catalog.write"
LOW_STOCK = 5  # a tracked SKU with this many or fewer left is marked "low"
SEARCH_LIMIT = 100
STATUSES = {"published": {"published": True}, "draft": {"published": False},
            "archived": {"archived": True}}  # fmt: skip
SORTS = [s.value for s in catalog.ProductSort if s is not catalog.ProductSort.NEWEST]


def base_url(shell: Shell) -> str:
    return f"{ADMIN_PATH}/s/{shell.shop_access.shop.slug}/products"


def kind_names(_: Gettext) -> dict[str, str]:
    return {
        catalog.ProductKind.PHYSICAL.value: _("Physical"),
        catalog.ProductKind.DIGITAL.value: _("Digital"),
        catalog.ProductKind.PLAN.value: _("Subscription plan"),
        catalog.ProductKind.COURSE.value: _("Course"),
        catalog.ProductKind.SERVICE.value: _("Service"),
        catalog.ProductKind.WARRANTY.value: _("Warranty"),
    }


def unit_names(_: Gettext) -> dict[str, str]:
    return {"day": _("Days"), "week": _("Weeks"), "month": _("Months"), "year": _("Years")}


@dataclass(frozen=True)
class StockSummary:
    """What the list says of a product's stock: not tracked, or a count with its state."""

    tracked: bool
    total: int = 0
    state: str = ""  # "", "low" or "out"


def stock_summary(product: catalog.ProductRead) -> StockSummary:
    return _summary([v.stock for v in product.variants if v.stock is not None])


def variant_stock(variant: catalog.VariantRead) -> StockSummary:
    return _summary([] if variant.stock is None else [variant.stock])


def _summary(counts: list[int]) -> StockSummary:
    if not counts:
        return StockSummary(tracked=False)
    total = sum(counts)
    state = "out" if total == 0 else "low" if min(counts) <= LOW_STOCK else ""
    return StockSummary(tracked=True, total=total, state=state)


def lowest_prices(product: catalog.ProductRead, currency: str) -> list[tuple[str, int]]:
    """The lowest price per currency over the variants, the shop's currency first."""
    lowest: dict[str, int] = {}
    for variant in product.variants:
        for price in variant.prices:
            lowest[price.currency] = min(price.amount, lowest.get(price.currency, price.amount))
    return sorted(lowest.items(), key=lambda item: (item[0] != currency, item[0]))


@router.get(BASE, name="admin_products")
async def product_list(request: Request, shell: ShopShellDep, session: SessionDep) -> Response:
    """Newest first unless sorted; an HTMX request gets only the results."""
    shell.require(READ)
    shop = shell.shop_access.shop
    kinds = [k.value for k in catalog.ProductKind]
    form = parse_list_query(request.query_params, {"kind": kinds, "status": list(STATUSES),
                                                   "sort": SORTS})  # fmt: skip
    search = (request.query_params.get("q") or "").strip()[:SEARCH_LIMIT]
    form.values["q"] = search
    status = form.get("status")
    filters = catalog.ProductFilter(
        kind=form.get("kind"), search=search or None, sort=form.get("sort") or "newest",
        price_currency=shop.currency, **(STATUSES[status] if status else {}),
    )  # fmt: skip
    page = await catalog.list_products(
        session, shop_id=shop.id, filters=filters, limit=PAGE_SIZE, offset=form.offset
    )
    rows = [{"p": p, "stock": stock_summary(p), "prices": lowest_prices(p, shop.currency)}
            for p in page.items]  # fmt: skip
    _ = gettext_for(request)
    context = shell.context(form=form, page=page, rows=rows, page_size=PAGE_SIZE,
                            base=base_url(shell), kinds=kind_names(_), capped=False,
                            count_up_to=0)  # fmt: skip
    return list_response(request, context, page="admin/products.html",
                         results="admin/_product_results.html", target="product-results",
                         query=form.query())  # fmt: skip


def form_page(request: Request, shell: Shell, form: Form, *, status_code: int = 200) -> Response:
    """The new-product form with what was typed and its errors."""
    _ = gettext_for(request)
    context = shell.context(form=form, base=base_url(shell), kinds=kind_names(_),
                            units=unit_names(_), sku_help=sku_help(_))  # fmt: skip
    return render(request, "admin/product_form.html", context, status_code=status_code)


@router.get(BASE + "/new", name="admin_product_new")
async def new_product(request: Request, shell: ShopShellDep) -> Response:
    shell.require(WRITE)
    form = Form(values=new_values())
    if request.query_params.get("kind") in kind_names(gettext_for(request)):
        form.values["kind"] = str(request.query_params["kind"])
    return form_page(request, shell, form)


async def load_product(
    session: AsyncSession, shell: Shell, product_id: uuid.UUID
) -> catalog.ProductRead:
    """The shop's product (archived too); another shop's or an unknown id is a 404."""
    return await catalog.get_product(
        session, shop_id=shell.shop_access.shop.id, product_id=product_id
    )


def product_page(
    request: Request,
    shell: Shell,
    product: catalog.ProductRead,
    *,
    form: Form | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The product's page; `form` holds the values and errors of the form that failed."""
    _ = gettext_for(request)
    shop = shell.shop_access.shop
    details = Form(values=details_values(product))
    if form is not None and "name" in form.values:
        details = form  # the details form failed: show what was typed
    context: dict[str, Any] = {
        "product": product, "form": form or Form(), "details": details, "error": error,
        "base": base_url(shell), "url": f"{base_url(shell)}/{product.id}",
        "kinds": kind_names(_), "units": unit_names(_), "stock": stock_summary(product),
        "low_stock": LOW_STOCK, "editable": shell.can(WRITE) and product.archived_at is None,
        "currency": shop.currency, "variant_stock": variant_stock,
        "edit_amount": partial(show_amount, locale=request_language(request)),
    }  # fmt: skip
    return render(request, "admin/product.html", shell.context(**context),
                  status_code=status_code)  # fmt: skip


@router.get(BASE + "/{product_id}", name="admin_product")
async def product_detail(
    request: Request, shell: ShopShellDep, session: SessionDep, product_id: uuid.UUID
) -> Response:
    shell.require(READ)
    return product_page(request, shell, await load_product(session, shell, product_id))
