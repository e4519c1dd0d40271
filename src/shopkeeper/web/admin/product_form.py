"""The product forms: a new product (kind, name, price in the shop's currency, SKU, stock,
plan terms) and a product's details; typed values in, the catalog's schema out, or the
reader's errors by field with what was typed kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from shopkeeper import catalog
from shopkeeper.catalog import PlanTerms, ProductCreate, ProductKind, ProductRead, ProductUpdate
from shopkeeper.web.admin.forms import EntryError, Form, Gettext, error_text, one, parse_amount

PLAN_FIELDS = ("period_unit", "period_count", "trial_days", "grace_days")
CREATE_FIELDS = ("name", "kind", "description", "sku", "price", "track_stock", "stock",
                 "published", *PLAN_FIELDS)  # fmt: skip
DETAIL_FIELDS = ("name", "description", *PLAN_FIELDS)
MAX_STOCK = 1_000_000_000
ModelT = TypeVar("ModelT", bound=BaseModel)
DESCRIPTION_LIMIT = 20_000


def read_form(data: FormData, fields: tuple[str, ...]) -> Form:
    return Form(
        values={
            name: one(data, name, DESCRIPTION_LIMIT + 1 if name == "description" else 200)
            for name in fields
        }
    )


def sku_help(_: Gettext) -> str:
    return _("Letters, digits and . _ / - (up to 64), starting with a letter or digit.")


def whole(form: Form, key: str, _: Gettext, *, low: int = 0, high: int = MAX_STOCK) -> int | None:
    """A whole number from `low` to `high` typed in `key`, or None with the error placed."""
    text = form.values.get(key, "").replace(" ", "")
    sign = -1 if text.startswith("-") and low < 0 else 1
    digits = text[1:] if sign < 0 or text.startswith("+") else text
    if not digits.isdigit():
        form.add(key, _("Enter a whole number."))
        return None
    value = sign * int(digits)
    if value < low:
        form.add(key, _("Enter at least %(limit)s.", limit=low))
    elif value > high:
        form.add(key, _("Enter at most %(limit)s.", limit=high))
    else:
        return value
    return None


def amount(form: Form, key: str, currency: str, locale: str, _: Gettext) -> int | None:
    """An amount typed in major units of `currency`, or None with the error placed."""
    try:
        return parse_amount(form.values.get(key, ""), currency, locale, _)
    except EntryError as exc:
        form.add(key, str(exc))
        return None


def _plan(form: Form, _: Gettext) -> dict[str, Any]:
    v = form.values
    return {
        "period_unit": v["period_unit"],
        "period_count": whole(form, "period_count", _, low=1, high=1000),
        "trial_days": whole(form, "trial_days", _, high=3650) if v["trial_days"] else 0,
        "grace_days": whole(form, "grace_days", _, high=3650) if v["grace_days"] else 0,
    }


def parse_create(form: Form, *, currency: str, locale: str, _: Gettext) -> ProductCreate | None:
    """The product to create, or None with `form.errors` filled (by field)."""
    v = form.values
    body: dict[str, Any] = {
        "kind": v["kind"], "name": v["name"], "description": v["description"],
        "published": v["published"] == "on", "sku": v["sku"] or None,
    }  # fmt: skip
    if v["price"]:
        price = amount(form, "price", currency, locale, _)
        body["prices"] = [{"currency": currency, "amount": price or 0}]
    if v["kind"] == ProductKind.PLAN.value:
        body["plan"] = _plan(form, _)
    if v["kind"] == ProductKind.PHYSICAL.value and v["track_stock"] == "on":
        body["stock"] = whole(form, "stock", _) if v["stock"] else 0
    return validated(ProductCreate, body, form, _)


def parse_details(form: Form, product: ProductRead, _: Gettext) -> ProductUpdate | None:
    """The changes of the details form (name, description, a plan's terms)."""
    v = form.values
    body: dict[str, Any] = {"name": v["name"], "description": v["description"]}
    if product.kind is ProductKind.PLAN:
        body["plan"] = _plan(form, _)
    return validated(ProductUpdate, body, form, _)


def validated(schema: type[ModelT], body: dict[str, Any], form: Form, _: Gettext) -> ModelT | None:
    if form.errors:
        return None
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            form.add(_where(error), _explain(error, _))
        return None


def _where(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
    if not loc:
        return "form"  # a rule over several fields
    if loc[0] == "plan" and len(loc) > 1:
        return loc[1]
    return {"prices": "price", "plan": "period_unit"}.get(loc[0], loc[0])


def _explain(error: Mapping[str, Any], _: Gettext) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    if (loc and loc[0] == "kind") or loc[-1:] == ["period_unit"]:
        return _("Choose one from the list.")
    return error_text(error, _, {"sku": sku_help(_)})


def details_values(product: ProductRead) -> dict[str, str]:
    """The details form as the product stands."""
    plan = product.plan or PlanTerms(period_unit="month")
    return {"name": product.name, "description": product.description,
            "period_unit": plan.period_unit.value, "period_count": str(plan.period_count),
            "trial_days": str(plan.trial_days), "grace_days": str(plan.grace_days)}  # fmt: skip


def new_values() -> dict[str, str]:
    values = dict.fromkeys(CREATE_FIELDS, "")
    values.update(kind=ProductKind.PHYSICAL.value, period_unit="month", period_count="1",
                  trial_days="0", grace_days="0")  # fmt: skip
    return values


def catalog_error(exc: Exception, _: Gettext) -> tuple[str, str]:
    """A catalog refusal as (the field it is about, the reader's words)."""
    known: dict[type[Exception], tuple[str, str]] = {
        catalog.SkuTaken: ("sku", _("Another product of this shop uses this SKU.")),
        catalog.ProductArchived: ("form", _("The product is archived; it cannot change.")),
        catalog.LastVariant: (
            "form", _("A product keeps at least one variant; archive the product instead."),
        ),
        catalog.StockNotTracked: ("delta", _("This SKU does not track stock; set a count first.")),
        catalog.OutOfStock: ("delta", _("There is not that much in stock to take away.")),
        catalog.StockNotAllowed: ("stock", _("Only physical products track stock.")),
        catalog.PriceNotFound: ("form", _("There is no price in this currency.")),
    }  # fmt: skip
    for kind, (field, message) in known.items():
        if isinstance(exc, kind):
            return field, message
    return "form", str(getattr(exc, "detail", "")) or _("The change was refused.")
