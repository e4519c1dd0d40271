"""The shipping method form: rows of prices per currency (major units in the shop's locale),
add-ons with a price per method currency, limits in kg and cm, categories allowed or
excluded; turned into the body `ShippingMethodCreate` validates, its errors put beside fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shopkeeper.checkout.shipping import AddonRule, MethodKind, ShippingMethodRead
from shopkeeper.web.admin.forms import (
    EntryError,
    Form,
    Gettext,
    error_text,
    many,
    one,
    parse_amount,
    parse_scaled,
    show_amount,
    show_scaled,
)

MONEY = ("price", "free_above", "min_cart", "max_cart")
SCHEMA_MONEY = {"prices": "price", "free_above": "free_above", "min_cart_value": "min_cart",
                "max_cart_value": "max_cart"}  # fmt: skip
MAX_CURRENCIES = 12
MAX_ADDONS = 20
SPARE_CURRENCIES, SPARE_ADDONS = 2, 1
GRAMS_PER_KG, MM_PER_CM = 1000, 10
TEXTS = ("code", "name", "kind", "position", "max_weight", "side_1", "side_2", "side_3",
         "calendar_code")  # fmt: skip
FLAGS = ("requires_delivery_date", "cash_on_delivery")
SIMPLE = {"code": "code", "name": "name", "kind": "kind", "position": "position",
          "max_weight_grams": "max_weight", "max_item_dimensions_mm": "sides",
          "calendar_code": "calendar_code", "allowed_category_ids": "categories",
          "excluded_category_ids": "categories", "requires_delivery_date": "calendar_code",
          "cash_on_delivery": "form", "active": "form"}  # fmt: skip


@dataclass
class MoneyRow:
    currency: str = ""
    price: str = ""
    free_above: str = ""
    min_cart: str = ""
    max_cart: str = ""

    def filled(self) -> bool:
        return any((self.currency, self.price, self.free_above, self.min_cart, self.max_cart))


@dataclass
class AddonRow:
    code: str = ""
    name: str = ""
    rule: str = AddonRule.ANY_DAY.value
    slot: str = ""
    prices: dict[str, str] = field(default_factory=dict)

    def filled(self) -> bool:
        return bool(self.code or self.name or self.slot or any(self.prices.values()))


@dataclass
class ShippingForm(Form):
    rows: list[MoneyRow] = field(default_factory=list)
    addons: list[AddonRow] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)  # id → "allowed" | "excluded"

    @property
    def currencies(self) -> list[str]:
        """The method's currencies as the form stands: add-ons get a price field for each."""
        seen: list[str] = []
        for row in self.rows:
            code = row.currency.upper()
            if re.fullmatch(r"[A-Z]{3}", code) and code not in seen:
                seen.append(code)
        return seen

    def shown_rows(self) -> list[MoneyRow]:
        spare = max(0, min(SPARE_CURRENCIES, MAX_CURRENCIES - len(self.rows)))
        return self.rows + [MoneyRow() for _ in range(spare)]

    def shown_addons(self) -> list[AddonRow]:
        spare = max(0, min(SPARE_ADDONS, MAX_ADDONS - len(self.addons)))
        return self.addons + [AddonRow() for _ in range(spare)]


def empty_form(currency: str) -> ShippingForm:
    values = dict.fromkeys(TEXTS, "") | {"kind": MethodKind.COURIER.value, "position": "0"}
    values |= dict.fromkeys(FLAGS, "")
    return ShippingForm(values=values, rows=[MoneyRow(currency=currency)])


def form_of(method: ShippingMethodRead, locale: str) -> ShippingForm:
    """The form of a saved method, amounts and sizes written the shop's way."""
    sides = method.max_item_dimensions_mm or []
    values = {
        "code": method.code, "name": method.name, "kind": method.kind.value,
        "position": str(method.position),
        "max_weight": show_scaled(method.max_weight_grams, GRAMS_PER_KG, locale),
        **{f"side_{n + 1}": show_scaled(sides[n] if sides else None, MM_PER_CM, locale)
           for n in range(3)},
        "requires_delivery_date": "on" if method.requires_delivery_date else "",
        "calendar_code": method.calendar_code or "",
        "cash_on_delivery": "on" if method.cash_on_delivery else "",
    }  # fmt: skip
    rows = [
        MoneyRow(
            currency=cur,
            price=show_amount(method.prices[cur], cur, locale),
            free_above=show_amount(method.free_above.get(cur), cur, locale),
            min_cart=show_amount(method.min_cart_value.get(cur), cur, locale),
            max_cart=show_amount(method.max_cart_value.get(cur), cur, locale),
        )
        for cur in method.prices
    ]
    addons = [
        AddonRow(
            code=a.code,
            name=a.name,
            rule=a.rule.value,
            slot=a.slot or "",
            prices={c: show_amount(v, c, locale) for c, v in a.prices.items()},
        )
        for a in method.addons
    ]
    categories = {str(c): "allowed" for c in method.allowed_category_ids}
    categories |= {str(c): "excluded" for c in method.excluded_category_ids}
    return ShippingForm(values=values, rows=rows, addons=addons, categories=categories)


def parse_form(data: FormData) -> ShippingForm:
    """What the browser sent, kept as typed."""
    values = {name: one(data, name) for name in TEXTS}
    for flag in FLAGS:
        values[flag] = "on" if one(data, flag, 8) else ""
    count = min(len(data.getlist("currency")), MAX_CURRENCIES)
    columns = {name: many(data, name, count) for name in ("currency", *MONEY)}
    rows = [MoneyRow(**{name: columns[name][i] for name in columns}) for i in range(count)]
    form = ShippingForm(values=values, rows=[r for r in rows if r.filled()])
    count = min(len(data.getlist("addon_code")), MAX_ADDONS)
    addon = {name: many(data, f"addon_{name}", count) for name in ("code", "name", "rule", "slot")}
    prices = {
        key.removeprefix("addon_price_").upper()[:3]: many(data, key, count, 40)
        for key in set(data.keys()) if key.startswith("addon_price_")
    }  # fmt: skip
    for i in range(count):
        row = AddonRow(
            code=addon["code"][i], name=addon["name"][i], rule=addon["rule"][i],
            slot=addon["slot"][i], prices={c: v[i] for c, v in prices.items()},
        )  # fmt: skip
        if row.filled():
            form.addons.append(row)
    for key in data.keys():
        choice = one(data, key, 16) if key.startswith("category_") else ""
        if choice in ("allowed", "excluded"):
            form.categories[key.removeprefix("category_")[:36]] = choice
    return form


def payload(form: ShippingForm, locale: str, _: Gettext) -> dict[str, Any] | None:
    """The body of a create; None when a typed value is already wrong (errors added)."""
    body: dict[str, Any] = {
        "code": form.values["code"], "name": form.values["name"], "kind": form.values["kind"],
        "requires_delivery_date": form.values["requires_delivery_date"] == "on",
        "calendar_code": form.values["calendar_code"] or None,
        "cash_on_delivery": form.values["cash_on_delivery"] == "on",
        "position": form.values["position"] or "0",
    }  # fmt: skip
    read = _reader(form, locale, _)
    body["max_weight_grams"] = read("max_weight", lambda t: parse_scaled(t, locale, 1000, _))
    sides = [read(f"side_{n}", lambda t: parse_scaled(t, locale, 10, _)) for n in (1, 2, 3)]
    if any(s is not None for s in sides) and not all(sides):
        form.add("sides", _("Give all three sides, or none."))
    body["max_item_dimensions_mm"] = sides if all(sides) else None
    for schema_name, column in SCHEMA_MONEY.items():
        body[schema_name] = {}
        for i, row in enumerate(form.rows):
            cur = row.currency.upper()
            if not cur:
                form.add(f"currency_{i}", _("Fill this in."))
                continue
            text = getattr(row, column)
            if column == "price" and not text:
                form.add(f"price_{i}", _("Fill this in."))
            amount = read(f"{column}_{i}", lambda t, c=cur: parse_amount(t, c, locale, _), text)
            if amount is not None:
                body[schema_name][cur] = amount
    body["addons"] = [_addon(form, j, row, locale, _) for j, row in enumerate(form.addons)]
    body["allowed_category_ids"] = [c for c, v in form.categories.items() if v == "allowed"]
    body["excluded_category_ids"] = [c for c, v in form.categories.items() if v == "excluded"]
    return None if form.errors else body


def _reader(form: ShippingForm, locale: str, _: Gettext) -> Callable[..., int | None]:
    def read(key: str, parse: Callable[[str], int], text: str | None = None) -> int | None:
        typed = form.values.get(key, "") if text is None else text
        if not typed:
            return None
        try:
            return parse(typed)
        except EntryError as exc:
            form.add(key, str(exc))
            return None

    return read


def _addon(form: ShippingForm, j: int, row: AddonRow, locale: str, _: Gettext) -> dict[str, Any]:
    prices: dict[str, int] = {}
    for cur, text in row.prices.items():
        if not text:
            continue
        try:
            prices[cur] = parse_amount(text, cur, locale, _)
        except EntryError as exc:
            form.add(f"addon_{j}_price_{cur}", str(exc))
    return {"code": row.code, "name": row.name, "rule": row.rule, "slot": row.slot or None,
            "prices": prices}  # fmt: skip


def take(form: ShippingForm, exc: ValidationError, _: Gettext) -> None:
    """Put each of the schema's errors beside its field."""
    patterns = {
        "code": _("Use lowercase letters, digits, - and _ (up to 32, starting with a letter or "
                  "digit)."),
        "calendar_code": _("Use letters, digits, dots, - and _ (up to 64)."),
    }  # fmt: skip
    for error in exc.errors():
        loc = tuple(error["loc"])
        key, message = (_key_of(loc, form) if loc else "form"), error_text(error, _, patterns)
        if error.get("type") == "value_error" and (found := _model_error(str(error["msg"]), _)):
            key, message = (key if loc else found[0]), found[1]
        form.add(key, message)


def _row_of(form: ShippingForm, currency: object) -> int | None:
    return next((i for i, r in enumerate(form.rows) if r.currency.upper() == currency), None)


def _key_of(loc: tuple[int | str, ...], form: ShippingForm) -> str:
    head = str(loc[0])
    if head in SCHEMA_MONEY and len(loc) > 1:
        i = _row_of(form, loc[1])
        if i is None:
            return "prices"
        return f"currency_{i}" if loc[-1] == "[key]" else f"{SCHEMA_MONEY[head]}_{i}"
    if head == "addons" and len(loc) > 1:
        if len(loc) > 3 and loc[2] == "prices":
            return f"addon_{loc[1]}_price_{loc[3]}"
        return f"addon_{loc[1]}_{loc[2]}" if len(loc) > 2 else f"addon_{loc[1]}"
    return SIMPLE.get(head, "form")


def _model_errors(_: Gettext) -> list[tuple[str, str, str]]:
    """The rules of a method as a whole: (what the schema says, the field, what we say)."""
    return [
        (r"calendar_code: required", "calendar_code",
         _("Give the calendar code: this method asks for a delivery date.")),
        (r"prices: give a price", "prices", _("Give a price in at least one currency.")),
        (r"(free_above|min_cart_value|max_cart_value): no price in (?P<x>.+)", "prices",
         _("A limit is set in %(x)s, where the method has no price.")),
        (r"min_cart_value: above max_cart_value in (?P<x>.+)", "prices",
         _("The minimum cart value is above the maximum in %(x)s.")),
        (r"excluded_category_ids", "categories",
         _("A category cannot be both allowed and excluded.")),
        (r"addons: one add-on per code", "addons", _("Each add-on needs its own code.")),
        (r"addons: only methods with a delivery date", "addons",
         _("Add-ons need a method with a delivery date.")),
        (r"addons: (?P<x>\S+) has a price in (?P<y>[A-Z, ]+),", "addons",
         _("Add-on %(x)s has a price in %(y)s, where the method has none.")),
        (r"slot is required", "addons",
         _("Give the slot for “a day with a slot”, and only for it.")),
    ]  # fmt: skip


def _model_error(message: str, _: Gettext) -> tuple[str, str] | None:
    """A rule of the method as a whole, in the reader's language, by the field it concerns."""
    text = message.removeprefix("Value error, ")
    for pattern, key, sentence in _model_errors(_):
        if match := re.match(pattern, text):
            groups = match.groupdict()
            return key, (sentence % groups if groups else sentence)
    return None


def category_choices(form: ShippingForm, known: set[str]) -> dict[str, str]:
    """The form's category choices that name a category of the shop (others are dropped)."""
    return {c: v for c, v in form.categories.items() if c in known}
