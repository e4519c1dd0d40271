"""Shapes of shipping methods: create / update / read, add-ons and per-currency money maps."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal, Self

from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

MAX_AMOUNT = 10**15  # minor units, as in the catalog
MAX_WEIGHT_GRAMS = 10_000_000
MAX_SIDE_MM = 100_000


class MethodKind(StrEnum):
    COURIER = "courier"
    PARCEL_LOCKER = "parcel_locker"
    PICKUP = "pickup"
    POST = "post"


class AddonRule(StrEnum):
    """When an add-on may be chosen: any offered day, Sundays only, or days with a slot."""

    ANY_DAY = "any_day"
    SUNDAY = "sunday"
    SLOT = "slot"


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """ISO 4217 codes Babel knows, plus XTR (Telegram Stars)."""
    return frozenset(list_currencies()) | {"XTR"}


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in currencies():
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (or XTR)")
    return code


Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(_currency)]
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
MoneyMap = Annotated[dict[Currency, Amount], Field(max_length=50)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
CalendarCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Side = Annotated[int, Field(ge=1, le=MAX_SIDE_MM)]
CategoryIds = Annotated[list[uuid.UUID], Field(max_length=200)]


class Addon(BaseModel):
    """An extra a customer may add to a dated delivery (`sunday`, `evening`, ...)."""

    model_config = ConfigDict(frozen=True)

    code: Code
    name: Name
    prices: MoneyMap
    rule: AddonRule = AddonRule.ANY_DAY
    slot: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = Field(
        default=None, description="For rule=slot: the calendar slot the day must have"
    )

    @model_validator(mode="after")
    def _slot(self) -> Self:
        if (self.rule is AddonRule.SLOT) != (self.slot is not None):
            raise ValueError("slot is required for rule=slot and only for it")
        return self


class ShippingMethodCreate(BaseModel):
    """A shipping method; every limit is optional, money is minor units per currency."""

    code: Code
    name: Name
    kind: MethodKind
    prices: MoneyMap = Field(description="Price per currency; no price = not offered in it")
    free_above: MoneyMap = Field(default_factory=dict, description="Free from this cart value")
    max_weight_grams: int | None = Field(default=None, ge=1, le=MAX_WEIGHT_GRAMS)
    max_item_dimensions_mm: list[Side] | None = Field(
        default=None, min_length=3, max_length=3, description="Three sides, any order"
    )
    allowed_category_ids: CategoryIds = Field(default_factory=list)
    excluded_category_ids: CategoryIds = Field(default_factory=list)
    min_cart_value: MoneyMap = Field(default_factory=dict)
    max_cart_value: MoneyMap = Field(default_factory=dict)
    requires_delivery_date: bool = False
    calendar_code: CalendarCode | None = None
    cash_on_delivery: bool = False
    active: bool = True
    position: int = Field(default=0, ge=0, le=10_000)
    addons: list[Addon] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.max_item_dimensions_mm is not None:
            self.max_item_dimensions_mm = sorted(self.max_item_dimensions_mm, reverse=True)
        if self.requires_delivery_date and self.calendar_code is None:
            raise ValueError("calendar_code: required when requires_delivery_date is true")
        if not self.prices:
            raise ValueError("prices: give a price in at least one currency")
        for name in ("free_above", "min_cart_value", "max_cart_value"):
            if extra := sorted(set(getattr(self, name)) - set(self.prices)):
                raise ValueError(f"{name}: no price in {', '.join(extra)}")
        for currency, low in self.min_cart_value.items():
            if low > self.max_cart_value.get(currency, MAX_AMOUNT):
                raise ValueError(f"min_cart_value: above max_cart_value in {currency}")
        if set(self.allowed_category_ids) & set(self.excluded_category_ids):
            raise ValueError("excluded_category_ids: a category cannot be allowed and excluded")
        self._check_addons()
        return self

    def _check_addons(self) -> None:
        codes = [a.code for a in self.addons]
        if len(codes) != len(set(codes)):
            raise ValueError("addons: one add-on per code")
        if self.addons and not self.requires_delivery_date:
            raise ValueError("addons: only methods with a delivery date have add-ons")
        for addon in self.addons:
            if extra := sorted(set(addon.prices) - set(self.prices)):
                raise ValueError(f"addons: {addon.code} has a price in {', '.join(extra)}, "
                                 "where the method has none")  # fmt: skip


class ShippingMethodUpdate(BaseModel):
    """PATCH: absent fields stay; the result is checked as a whole, like a new method."""

    _not_null: ClassVar[tuple[str, ...]] = (
        "code", "name", "kind", "prices", "free_above", "allowed_category_ids",
        "excluded_category_ids", "min_cart_value", "max_cart_value", "requires_delivery_date",
        "cash_on_delivery", "active", "position", "addons",
    )  # fmt: skip

    code: Code | None = None
    name: Name | None = None
    kind: MethodKind | None = None
    prices: MoneyMap | None = None
    free_above: MoneyMap | None = None
    max_weight_grams: int | None = Field(default=None, ge=1, le=MAX_WEIGHT_GRAMS)
    max_item_dimensions_mm: list[Side] | None = Field(default=None, min_length=3, max_length=3)
    allowed_category_ids: CategoryIds | None = None
    excluded_category_ids: CategoryIds | None = None
    min_cart_value: MoneyMap | None = None
    max_cart_value: MoneyMap | None = None
    requires_delivery_date: bool | None = None
    calendar_code: CalendarCode | None = None
    cash_on_delivery: bool | None = None
    active: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    addons: list[Addon] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        nulls = [
            f for f in self._not_null if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class ShippingMethodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    kind: MethodKind
    prices: dict[str, int]
    free_above: dict[str, int]
    max_weight_grams: int | None
    max_item_dimensions_mm: list[int] | None
    allowed_category_ids: list[uuid.UUID]
    excluded_category_ids: list[uuid.UUID]
    min_cart_value: dict[str, int]
    max_cart_value: dict[str, int]
    requires_delivery_date: bool
    calendar_code: str | None
    cash_on_delivery: bool
    active: bool
    position: int
    addons: list[Addon]
    created_at: datetime
    updated_at: datetime


CalendarStatus = Literal["not_needed", "available", "unavailable", "unknown"]
