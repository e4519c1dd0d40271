"""Which shipping methods a cart can use, at what price, and for the others why not.

The caller (the cart, later) describes its cart with `CartDescription`; `offer_methods` is
a pure function of the methods and that description. Rules, each giving a reason:
- no price in the cart's currency → `currency_not_supported`;
- total weight (unit weight × quantity; unknown weight counts as 0) above the maximum →
  `too_heavy`;
- one unit whose sorted sides do not fit the method's sorted maximum sides → `item_too_large`;
- a line in an excluded category → `category_excluded`; with allowed categories set, a line
  in none of them → `category_not_allowed` (lines list their category and, if they wish
  subcategories to count, its ancestors);
- cart total below the minimum / above the maximum of its currency → `cart_value_too_low` /
  `cart_value_too_high`.
The price is the method's price in the cart currency, 0 (free) once the cart total reaches
`free_above` of that currency. Add-ons are offered in the currencies they have a price in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import KeyValueStore, cached_json
from shopkeeper.checkout.shipping.calendar_client import CalendarClient
from shopkeeper.checkout.shipping.offers_cache import OFFERS_TTL, offers_key
from shopkeeper.checkout.shipping.repository import ShippingRepository
from shopkeeper.checkout.shipping.schemas import (
    MAX_SIDE_MM,
    MAX_WEIGHT_GRAMS,
    AddonRule,
    Amount,
    CalendarStatus,
    Currency,
    MethodKind,
    ShippingMethodRead,
)
from shopkeeper.kit.money import format_money

Side = Annotated[int, Field(ge=1, le=MAX_SIDE_MM)]
ReasonCode = Literal[
    "currency_not_supported",
    "too_heavy",
    "item_too_large",
    "category_excluded",
    "category_not_allowed",
    "cart_value_too_low",
    "cart_value_too_high",
]
CALENDAR_UNAVAILABLE_NOTE = (
    "Delivery dates cannot be shown right now: {why}. The method can still be chosen; "
    "pick the date once the calendar is back."
)


class CartLine(BaseModel):
    """One line as shipping sees it: one unit's weight and sides, how many, what they cost."""

    model_config = ConfigDict(frozen=True)

    quantity: int = Field(ge=1, le=1_000_000)
    amount: Amount = Field(description="The line's total in the cart currency (minor units)")
    weight_grams: int | None = Field(default=None, ge=0, le=MAX_WEIGHT_GRAMS)
    dimensions_mm: tuple[Side, Side, Side] | None = None
    category_ids: frozenset[uuid.UUID] = frozenset()
    variant_id: uuid.UUID | None = None
    name: str = Field(default="", max_length=200, description="For messages only")


class CartDescription(BaseModel):
    """The cart as shipping needs it; `total` is what thresholds are compared with."""

    model_config = ConfigDict(frozen=True)

    currency: Currency
    total: Amount
    lines: list[CartLine] = Field(default_factory=list, max_length=500)


class Unavailability(BaseModel):
    code: ReasonCode
    detail: str


class AddonOffer(BaseModel):
    code: str
    name: str
    rule: AddonRule
    slot: str | None
    price: int


class MethodOffer(BaseModel):
    """A method for this cart: available with a price, or not, with every reason."""

    method_id: uuid.UUID
    code: str
    name: str
    kind: MethodKind
    available: bool
    reasons: list[Unavailability]
    currency: str
    price: int | None = Field(description="None when the method has no price in the currency")
    free: bool
    requires_delivery_date: bool
    cash_on_delivery: bool
    calendar: CalendarStatus
    calendar_note: str | None = None
    addons: list[AddonOffer]


def offer_methods(
    methods: Sequence[ShippingMethodRead],
    cart: CartDescription,
    *,
    calendar: CalendarStatus = "unknown",
    calendar_note: str | None = None,
) -> list[MethodOffer]:
    """Every given method, priced for `cart` (pure; `calendar` applies to dated methods)."""
    return [_offer(m, cart, calendar, calendar_note) for m in methods]


def _offer(
    method: ShippingMethodRead,
    cart: CartDescription,
    calendar: CalendarStatus,
    note: str | None,
) -> MethodOffer:
    reasons = _reasons(method, cart)
    price = method.prices.get(cart.currency)
    threshold = method.free_above.get(cart.currency)
    free = price is not None and (price == 0 or (threshold is not None and cart.total >= threshold))
    dated = method.requires_delivery_date
    return MethodOffer(
        method_id=method.id,
        code=method.code,
        name=method.name,
        kind=method.kind,
        available=not reasons,
        reasons=reasons,
        currency=cart.currency,
        price=None if price is None else 0 if free else price,
        free=free,
        requires_delivery_date=dated,
        cash_on_delivery=method.cash_on_delivery,
        calendar=calendar if dated else "not_needed",
        calendar_note=note if dated and calendar == "unavailable" else None,
        addons=[
            AddonOffer(
                code=a.code, name=a.name, rule=a.rule, slot=a.slot, price=a.prices[cart.currency]
            )
            for a in method.addons
            if cart.currency in a.prices
        ],
    )


def _reasons(method: ShippingMethodRead, cart: CartDescription) -> list[Unavailability]:
    reasons: list[Unavailability] = []

    def refuse(code: ReasonCode, detail: str) -> None:
        reasons.append(Unavailability(code=code, detail=detail))

    currency = cart.currency
    if currency not in method.prices:
        refuse("currency_not_supported", f"{method.name} is not offered in {currency}")
    weight = sum((line.weight_grams or 0) * line.quantity for line in cart.lines)
    if method.max_weight_grams is not None and weight > method.max_weight_grams:
        refuse(
            "too_heavy",
            f"the cart weighs {_kg(weight)}; {method.name} takes at most "
            f"{_kg(method.max_weight_grams)}",
        )
    if limit := method.max_item_dimensions_mm:
        for line in cart.lines:
            if line.dimensions_mm and not _fits(line.dimensions_mm, limit):
                refuse(
                    "item_too_large",
                    f"{_label(line)} measures {_sides(line.dimensions_mm)}; {method.name} takes "
                    f"items up to {_sides(limit)}",
                )
    _category_reasons(method, cart, refuse)
    low, high = method.min_cart_value.get(currency), method.max_cart_value.get(currency)
    if low is not None and cart.total < low:
        refuse(
            "cart_value_too_low", f"{method.name} needs a cart of at least {_money(low, currency)}"
        )
    if high is not None and cart.total > high:
        refuse("cart_value_too_high", f"{method.name} takes carts up to {_money(high, currency)}")
    return reasons


def _category_reasons(
    method: ShippingMethodRead, cart: CartDescription, refuse: Callable[[ReasonCode, str], None]
) -> None:
    excluded, allowed = set(method.excluded_category_ids), set(method.allowed_category_ids)
    for line in cart.lines:
        if line.category_ids & excluded:
            refuse("category_excluded", f"{method.name} does not carry {_label(line)}")
        elif allowed and not line.category_ids & allowed:
            refuse("category_not_allowed", f"{method.name} carries only some categories, "
                                           f"not {_label(line)}")  # fmt: skip


def _fits(sides: Sequence[int], limit: Sequence[int]) -> bool:
    """Longest side against longest side, and so on: a box turned to fit."""
    pairs = zip(sorted(sides, reverse=True), sorted(limit, reverse=True), strict=True)
    return all(side <= most for side, most in pairs)


def _label(line: CartLine) -> str:
    return repr(line.name) if line.name else "an item"


def _kg(grams: int) -> str:
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".") + " kg"


def _sides(sides: Sequence[int]) -> str:
    return "×".join(str(s) for s in sides) + " mm"


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


async def available_methods(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    cart: CartDescription,
    now: datetime,
    calendar: CalendarClient | None = None,
    cache: KeyValueStore | None = None,
) -> list[MethodOffer]:
    """The shop's active methods priced for `cart`, unavailable ones with their reasons.

    Give `calendar` to learn whether dated methods can show dates now (no API call: the
    breaker's state); without it their `calendar` is "unknown". Give `cache` to keep the
    priced offers per cart description (`offers_cache`).
    """

    async def priced() -> list[MethodOffer]:
        methods = await ShippingRepository(session).list_methods(shop_id, active_only=True)
        return offer_methods([ShippingMethodRead.model_validate(m) for m in methods], cart)

    if cache is None:
        offers = await priced()
    else:
        key = await offers_key(cache, shop_id, cart.model_dump(mode="json"))
        offers = await cached_json(cache, key, ttl=OFFERS_TTL, adapter=_OFFERS, compute=priced)
    if calendar is None or not any(o.requires_delivery_date for o in offers):
        return offers
    state = await calendar.state(now)
    if state not in ("open", "not_configured"):
        return [_dated(o, "available", None) for o in offers]
    why = (
        "no delivery calendar is configured"
        if state == "not_configured"
        else "the delivery calendar is not answering"
    )
    note = CALENDAR_UNAVAILABLE_NOTE.format(why=why)
    return [_dated(o, "unavailable", note) for o in offers]


def _dated(offer: MethodOffer, status: CalendarStatus, note: str | None) -> MethodOffer:
    if not offer.requires_delivery_date:
        return offer
    return offer.model_copy(update={"calendar": status, "calendar_note": note})


_OFFERS = TypeAdapter(list[MethodOffer])
