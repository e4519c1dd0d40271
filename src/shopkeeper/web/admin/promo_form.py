"""The promo-code forms (one code, or a batch of single-use codes): typed values in, the
promotions context's schema out, or the reader's errors per field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shopkeeper.promotions import WINDOW_ORDER, PromoBulkCreate, PromoCodeCreate
from shopkeeper.web.admin.broadcast_form import local_to_utc
from shopkeeper.web.admin.forms import EntryError, Form, Gettext, one, parse_amount, parse_number

FIELDS = ("code", "prefix", "count", "description", "kind", "value", "minimum", "max_uses",
          "max_uses_per_customer", "valid_from", "valid_until", "first_purchase_only")  # fmt: skip
PATTERNS = {"code": "code", "prefix": "prefix"}


def read_form(data: FormData) -> Form:
    return Form(values={name: one(data, name) for name in FIELDS})


def parse_promo(
    form: Form, *, bulk: bool, currency: str, timezone: str, locale: str, _: Gettext
) -> PromoCodeCreate | PromoBulkCreate | None:
    """The schema to create, or None with `form.errors` filled (by field)."""
    v = form.values
    terms: dict[str, Any] = {"description": v["description"],
                             "first_purchase_only": v["first_purchase_only"] == "on"}  # fmt: skip
    _discount(form, terms, currency, locale, _)
    if v["minimum"]:

        def minimum() -> None:
            terms["minimum_amount"] = {currency: parse_amount(v["minimum"], currency, locale, _)}

        _field(form, "minimum", minimum)
    for name in ("valid_from", "valid_until"):
        if v[name]:
            terms[name] = _moment(form, name, timezone, _)
    if bulk:
        terms.update(prefix=v["prefix"], count=_whole(form, "count", _, required=True))
    else:
        terms.update(code=v["code"], max_uses=_whole(form, "max_uses", _),
                     max_uses_per_customer=_whole(form, "max_uses_per_customer", _))  # fmt: skip
    if form.errors:
        return None
    try:
        return (PromoBulkCreate if bulk else PromoCodeCreate).model_validate(terms)
    except ValidationError as exc:
        for error in exc.errors():
            form.add(_where(error), _explain(error, _))
        return None


def _discount(form: Form, terms: dict[str, Any], currency: str, locale: str, _: Gettext) -> None:
    """Percent ("15" or "12,5": basis points) or an amount in the shop's currency."""
    value = form.values["value"]
    if not value:
        form.add("value", _("Enter the discount."))
    elif form.values["kind"] == "fixed":
        _field(form, "value", lambda: terms.update(
            amount_off={currency: parse_amount(value, currency, locale, _)}))  # fmt: skip
    else:

        def percent() -> None:
            basis_points = parse_number(value, locale, _) * 100
            if basis_points != basis_points.to_integral_value() or not 1 <= basis_points <= 10_000:
                raise EntryError(_("A percentage from 0.01 to 100."))
            terms["percent_off_bp"] = int(Decimal(basis_points))

        _field(form, "value", percent)


def _field(form: Form, name: str, parse: Callable[[], None]) -> None:
    try:
        parse()
    except EntryError as exc:
        form.add(name, str(exc))


def _whole(form: Form, name: str, _: Gettext, *, required: bool = False) -> int | None:
    text = form.values[name]
    if not text and not required:
        return None
    if not text.isdigit() or int(text) < 1:
        form.add(name, _("Enter a whole number above zero."))
        return None
    return int(text)


def _moment(form: Form, name: str, timezone: str, _: Gettext) -> datetime | None:
    moment = local_to_utc(form.values[name], timezone)
    if moment is None:
        form.add(name, _("Enter a date and time."))
    return moment


def _where(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
    if not loc:
        return "value"  # the whole-model rules: the discount, the validity window
    return {"percent_off_bp": "value", "amount_off": "value", "minimum_amount": "minimum"}.get(
        loc[0], loc[0]
    )


def _explain(error: Mapping[str, Any], _: Gettext) -> str:
    text = str(error.get("msg", "")).removeprefix("Value error, ")
    if error.get("type") == WINDOW_ORDER:
        return _("The start must be before the end.")
    if error.get("loc") and str(error["loc"][0]) == "code":
        return _("3 to 64 letters, digits, “-” or “_”, starting and ending with a letter or digit.")
    if error.get("loc") and str(error["loc"][0]) == "prefix":
        return _("1 to 20 letters or digits.")
    if error.get("loc") and str(error["loc"][0]) == "count":
        return _("From 1 to 10,000 codes.")
    return text
