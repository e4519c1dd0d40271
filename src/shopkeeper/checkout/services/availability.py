"""Which services a cart may have, at what price, and whether a chosen one is allowed.

Pure functions over resolved rules (`resolve.py`) and the cart as the caller describes it
(`ServicesCart`). Item services are offered for product lines (types offer and accessory):
the line's categories must meet the rule's (a line lists its product's category; ancestors
may be listed too, a rule's slugs already cover their subtrees), its unit weight and longest
side the rule's conditions, every service it `requires` must be offered for the line too,
and the service must have a price in the currency. Standalone services need only the price.
Amounts are the catalog unit price × quantity (per_unit: one per serviced unit, up to the
parent's quantity; per_line and standalone: 1 unless `max_quantity` allows more).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.checkout.services.errors import ServiceNotAvailable, ServiceQuantityNotAllowed
from shopkeeper.checkout.services.resolve import ResolvedRule
from shopkeeper.checkout.services.rules import (
    MAX_SIDE_MM,
    MAX_WEIGHT_G,
    Pricing,
    ServiceKind,
)

LineType = Literal["offer", "accessory", "service", "warranty"]
PRODUCT_LINES: frozenset[str] = frozenset({"offer", "accessory"})
Side = Annotated[int, Field(ge=1, le=MAX_SIDE_MM)]


class ServicesLine(BaseModel):
    """One cart line as services see it: what it is, one unit's weight and sides, how many."""

    model_config = ConfigDict(frozen=True)

    item_id: uuid.UUID
    type: LineType = "offer"
    variant_id: uuid.UUID | None = None
    parent_item_id: uuid.UUID | None = None
    quantity: int = Field(ge=1, le=1_000_000)
    weight_grams: int | None = Field(default=None, ge=0, le=MAX_WEIGHT_G)
    dimensions_mm: tuple[Side, Side, Side] | None = None
    category_ids: frozenset[uuid.UUID] = frozenset()
    name: str = Field(default="", max_length=200, description="For messages only")


class ServicesCart(BaseModel):
    """The cart's lines: products, and the services already chosen (with their parents)."""

    model_config = ConfigDict(frozen=True)

    lines: list[ServicesLine] = Field(default_factory=list, max_length=500)

    def line(self, item_id: uuid.UUID) -> ServicesLine | None:
        return next((line for line in self.lines if line.item_id == item_id), None)


class ServiceOffer(BaseModel):
    """A service on offer, priced in the currency for its suggested quantity."""

    sku: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    kind: ServiceKind
    name: str
    pricing: Pricing | None
    currency: str
    unit_price: int
    quantity: int = Field(description="Suggested: every unit for per_unit, else 1")
    max_quantity: int
    amount: int = Field(description="unit_price × quantity")
    requires: list[str]


class ItemServices(BaseModel):
    item_id: uuid.UUID
    services: list[ServiceOffer]


class CartServices(BaseModel):
    currency: str
    items: list[ItemServices] = Field(description="One entry per product line, in cart order")
    standalone: list[ServiceOffer]

    def for_item(self, item_id: uuid.UUID) -> list[ServiceOffer]:
        return next((i.services for i in self.items if i.item_id == item_id), [])


class ServiceChoice(BaseModel):
    """A chosen service, checked and priced: what the cart stores as a service item."""

    sku: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    kind: ServiceKind
    name: str
    parent_item_id: uuid.UUID | None
    quantity: int
    currency: str
    unit_price: int
    amount: int


def services_for_item(
    rules: Sequence[ResolvedRule], item: ServicesLine, *, currency: str, language: str = "en"
) -> list[ServiceOffer]:
    """The item services `item` may have, in rule order (none for service/warranty lines)."""
    if item.type not in PRODUCT_LINES:
        return []
    by_sku = _index(rules)
    return [
        _offer(rule, currency, language, max_quantity=_item_max(rule, item))
        for rule in rules
        if rule.kind is ServiceKind.ITEM and _refusal(rule, item, currency, by_sku) is None
    ]


def standalone_services(
    rules: Sequence[ResolvedRule], *, currency: str, language: str = "en"
) -> list[ServiceOffer]:
    """The standalone services priced in `currency`, in rule order."""
    return [
        _offer(rule, currency, language, max_quantity=rule.rule.max_quantity or 1)
        for rule in rules
        if rule.kind is ServiceKind.STANDALONE and currency in rule.prices
    ]


def offer_services(
    rules: Sequence[ResolvedRule], cart: ServicesCart, *, currency: str, language: str = "en"
) -> CartServices:
    """Every product line's item services, and the standalone ones."""
    return CartServices(
        currency=currency,
        items=[
            ItemServices(
                item_id=line.item_id,
                services=services_for_item(rules, line, currency=currency, language=language),
            )
            for line in cart.lines
            if line.type in PRODUCT_LINES
        ],
        standalone=standalone_services(rules, currency=currency, language=language),
    )


def validate_service_choice(
    rules: Sequence[ResolvedRule],
    *,
    cart: ServicesCart,
    currency: str,
    variant_id: uuid.UUID,
    parent_item_id: uuid.UUID | None,
    quantity: int,
    language: str = "en",
) -> ServiceChoice:
    """Check a service the customer chose; `quantity` is what the parent line would then
    carry of it in total (the whole cart, for a standalone one).

    ServiceNotAvailable (422) says why a service cannot go there; ServiceQuantityNotAllowed
    (422) gives the allowed range.
    """
    rule = next((r for r in rules if r.variant_id == variant_id), None)
    if rule is None:
        raise ServiceNotAvailable("This service is not offered in this shop")
    name = rule.name(language)
    if rule.kind is ServiceKind.STANDALONE:
        if parent_item_id is not None:
            raise ServiceNotAvailable(f"{name} is for the whole order: choose it without an item")
        if currency not in rule.prices:
            raise ServiceNotAvailable(f"{name} has no price in {currency}")
        _check_quantity(name, quantity, rule.rule.max_quantity or 1, "per order")
        return _choice(rule, name, currency, None, quantity)
    if parent_item_id is None:
        raise ServiceNotAvailable(f"{name} is done on an item: choose the item it is for")
    parent = cart.line(parent_item_id)
    if parent is None:
        raise ServiceNotAvailable(f"{name}: the cart has no item {parent_item_id}")
    if parent.type not in PRODUCT_LINES:
        raise ServiceNotAvailable(f"{name} is done on products, not on a {parent.type} line")
    by_sku = _index(rules)
    if (why := _refusal(rule, parent, currency, by_sku, language)) is not None:
        raise ServiceNotAvailable(why)
    for needed in rule.rule.requires:
        other = by_sku[needed]  # present: _refusal checked every required rule
        if not _chosen(cart.lines, parent.item_id, other.variant_id):
            raise ServiceNotAvailable(
                f"{name} comes with {other.name(language)}: choose that for {_what(parent)} first"
            )
    _check_quantity(name, quantity, _item_max(rule, parent), f"for {_what(parent)}")
    return _choice(rule, name, currency, parent.item_id, quantity)


def _index(rules: Iterable[ResolvedRule]) -> dict[str, ResolvedRule]:
    return {rule.sku: rule for rule in rules}


def _item_max(rule: ResolvedRule, item: ServicesLine) -> int:
    cap = rule.rule.max_quantity
    if rule.rule.unit_pricing:
        return item.quantity if cap is None else min(cap, item.quantity)
    return cap or 1


def _offer(rule: ResolvedRule, currency: str, language: str, *, max_quantity: int) -> ServiceOffer:
    unit = rule.prices[currency]
    quantity = max_quantity if rule.rule.unit_pricing else 1
    return ServiceOffer(
        sku=rule.sku,
        variant_id=rule.variant_id,
        product_id=rule.product_id,
        kind=rule.kind,
        name=rule.name(language),
        pricing=(rule.rule.pricing or Pricing.PER_UNIT) if rule.kind is ServiceKind.ITEM else None,
        currency=currency,
        unit_price=unit,
        quantity=quantity,
        max_quantity=max_quantity,
        amount=unit * quantity,
        requires=list(rule.rule.requires),
    )


def _choice(
    rule: ResolvedRule, name: str, currency: str, parent: uuid.UUID | None, quantity: int
) -> ServiceChoice:
    unit = rule.prices[currency]
    return ServiceChoice(
        sku=rule.sku,
        variant_id=rule.variant_id,
        product_id=rule.product_id,
        kind=rule.kind,
        name=name,
        parent_item_id=parent,
        quantity=quantity,
        currency=currency,
        unit_price=unit,
        amount=unit * quantity,
    )


def _refusal(
    rule: ResolvedRule,
    item: ServicesLine,
    currency: str,
    by_sku: dict[str, ResolvedRule],
    language: str = "en",
) -> str | None:
    """Why `rule` is not offered for `item` (None: it is); the first reason found."""
    name, what = rule.name(language), _what(item)
    if currency not in rule.prices:
        return f"{name} has no price in {currency}"
    if not rule.any_item and not item.category_ids & rule.category_ids:
        return f"{name} is not offered for {what} (not in its categories)"
    if (why := _condition_refusal(rule, item, name, what)) is not None:
        return why
    for needed in rule.rule.requires:
        other = by_sku.get(needed)
        if other is None or _refusal(other, item, currency, by_sku, language) is not None:
            label = other.name(language) if other is not None else needed
            return f"{name} comes only with {label}, which is not offered for {what}"
    return None


def _condition_refusal(rule: ResolvedRule, item: ServicesLine, name: str, what: str) -> str | None:
    conditions = rule.rule.conditions
    weight, low, high = item.weight_grams, conditions.min_weight_g, conditions.max_weight_g
    if conditions.weighed and weight is None:
        return f"{name} depends on the item's weight, which {what} does not list"
    if weight is not None and low is not None and weight < low:
        return f"{name} is for items from {_kg(low)}; {what} weighs {_kg(weight)}"
    if weight is not None and high is not None and weight > high:
        return f"{name} is for items up to {_kg(high)}; {what} weighs {_kg(weight)}"
    side = conditions.min_longest_side_mm
    if side is not None and item.dimensions_mm is None:
        return f"{name} depends on the item's size, which {what} does not list"
    if side is not None and item.dimensions_mm is not None and max(item.dimensions_mm) < side:
        sides = "×".join(str(s) for s in item.dimensions_mm)
        return f"{name} is for items with a side of at least {side} mm; {what} measures {sides} mm"
    return None


def _chosen(lines: Iterable[ServicesLine], parent: uuid.UUID, variant_id: uuid.UUID) -> bool:
    return any(
        line.type == "service" and line.parent_item_id == parent and line.variant_id == variant_id
        for line in lines
    )


def _check_quantity(name: str, quantity: int, most: int, scope: str) -> None:
    if not 1 <= quantity <= most:
        raise ServiceQuantityNotAllowed(
            f"{name}: quantity {quantity} is not allowed; from 1 to {most} {scope}"
        )


def _what(item: ServicesLine) -> str:
    return repr(item.name) if item.name else "this item"


def _kg(grams: int) -> str:
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".") + " kg"
