"""Shapes of the catalog: products, variants, prices, images and the sellable view of a SKU."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Self

from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
MAX_AMOUNT = 10**15  # minor units; far above any real price, far below BigInteger's limit


class ProductKind(StrEnum):
    PHYSICAL = "physical"
    DIGITAL = "digital"
    PLAN = "plan"
    COURSE = "course"
    SERVICE = "service"
    WARRANTY = "warranty"


class PeriodUnit(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """ISO 4217 codes Babel knows, plus XTR (Telegram Stars)."""
    return frozenset(list_currencies()) | {"XTR"}


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in currencies():
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (or XTR)")
    return code


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("lowercase letters, digits and inner hyphens only (max 100)")
    return value


Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(_currency)]
Slug = Annotated[str, AfterValidator(_slug)]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
    ),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AttributeValue = Annotated[str, StringConstraints(max_length=200)] | int | float | bool
Attributes = Annotated[
    dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], AttributeValue],
    Field(max_length=50),
]
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Stock = Annotated[int, Field(ge=0, le=1_000_000_000)]


class PlanTerms(BaseModel):
    """What a plan sells: one period of access, with an optional trial and grace."""

    model_config = ConfigDict(from_attributes=True)

    period_unit: PeriodUnit
    period_count: int = Field(default=1, ge=1, le=1000)
    trial_days: int = Field(default=0, ge=0, le=3650)
    grace_days: int = Field(default=0, ge=0, le=3650)


class PriceIn(BaseModel):
    currency: Currency
    amount: Amount


class PriceSet(BaseModel):
    amount: Amount


class PriceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    currency: str
    amount: int


class Dimensions(BaseModel):
    length_mm: int = Field(ge=1, le=100_000)
    width_mm: int = Field(ge=1, le=100_000)
    height_mm: int = Field(ge=1, le=100_000)


def _unique_currencies(prices: list[PriceIn]) -> None:
    seen = [p.currency for p in prices]
    if len(seen) != len(set(seen)):
        raise ValueError("one price per currency")


class VariantCreate(BaseModel):
    sku: Sku | None = Field(default=None, description="Generated from the product slug if absent")
    name: str = Field(default="", max_length=200)
    attributes: Attributes = Field(default_factory=dict)
    weight_grams: int | None = Field(default=None, ge=0, le=10_000_000)
    dimensions: Dimensions | None = None
    stock: Stock | None = Field(default=None, description="null = not tracked (physical only)")
    position: int = Field(default=0, ge=0, le=10_000)
    prices: list[PriceIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique_currencies(self.prices)
        return self

    @property
    def has_physical_fields(self) -> bool:
        return any(v is not None for v in (self.weight_grams, self.dimensions, self.stock))


class _Patch(BaseModel):
    """PATCH bodies: absent fields stay; null is refused where the field cannot be empty."""

    _not_null: ClassVar[tuple[str, ...]] = ()

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


class VariantUpdate(_Patch):
    _not_null: ClassVar[tuple[str, ...]] = ("sku", "name", "attributes", "position")

    sku: Sku | None = None
    name: str | None = Field(default=None, max_length=200)
    attributes: Attributes | None = None
    weight_grams: int | None = Field(default=None, ge=0, le=10_000_000)
    dimensions: Dimensions | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class VariantRead(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    name: str
    attributes: dict[str, Any]
    weight_grams: int | None
    dimensions: Dimensions | None
    stock: int | None
    tracks_stock: bool
    position: int
    prices: list[PriceRead]


class ProductCreate(BaseModel):
    """A product; without `variants`, one default variant from `sku`, `prices`, `stock`."""

    kind: ProductKind
    name: Name
    slug: Slug | None = Field(default=None, description="Generated from the name if absent")
    description: str = Field(default="", max_length=20_000)
    category_id: uuid.UUID | None = None
    tax_class_id: uuid.UUID | None = None
    published: bool = False
    plan: PlanTerms | None = None
    variants: list[VariantCreate] = Field(default_factory=list, max_length=100)
    sku: Sku | None = None
    prices: list[PriceIn] = Field(default_factory=list, max_length=50)
    stock: Stock | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.kind is ProductKind.PLAN) != (self.plan is not None):
            raise ValueError("plan terms are required for kind=plan and only for it")
        if self.variants and (self.sku or self.prices or self.stock is not None):
            raise ValueError("give sku, prices and stock inside each variant when listing variants")
        _unique_currencies(self.prices)
        if self.kind is not ProductKind.PHYSICAL and (
            self.stock is not None or any(v.has_physical_fields for v in self.variants)
        ):
            raise ValueError("stock, weight and dimensions are for physical products only")
        skus = [v.sku for v in self.variants if v.sku]
        if len(skus) != len(set(skus)):
            raise ValueError("each variant needs its own sku")
        return self

    def variant_specs(self) -> list[VariantCreate]:
        if self.variants:
            return self.variants
        return [VariantCreate(sku=self.sku, prices=self.prices, stock=self.stock)]


class ProductUpdate(_Patch):
    _not_null: ClassVar[tuple[str, ...]] = ("name", "slug", "description")

    name: Name | None = None
    slug: Slug | None = None
    description: str | None = Field(default=None, max_length=20_000)
    category_id: uuid.UUID | None = None
    tax_class_id: uuid.UUID | None = None
    plan: PlanTerms | None = None


class ImageRead(BaseModel):
    id: uuid.UUID
    url: str
    content_type: str
    size_bytes: int
    alt: str
    position: int
    created_at: datetime


class ProductRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    kind: ProductKind
    name: str
    slug: str
    description: str
    category_id: uuid.UUID | None
    tax_class_id: uuid.UUID | None
    published: bool
    published_at: datetime | None
    archived_at: datetime | None
    plan: PlanTerms | None
    variants: list[VariantRead]
    images: list[ImageRead]
    created_at: datetime
    updated_at: datetime


class ProductSort(StrEnum):
    """A product list's order; the price sorts need `ProductFilter.price_currency`."""

    NEWEST = "newest"
    OLDEST = "oldest"
    NAME = "name"
    NAME_DESC = "name_desc"
    PRICE = "price"
    PRICE_DESC = "price_desc"


class ProductFilter(BaseModel):
    kind: ProductKind | None = None
    published: bool | None = None
    category_id: uuid.UUID | None = None
    search: str | None = Field(default=None, max_length=100)
    archived: bool = False
    sort: ProductSort = ProductSort.NEWEST
    price_currency: Currency | None = Field(
        default=None, description="price sorts: a product's lowest live price in this currency"
    )


class StockAdjust(BaseModel):
    delta: int = Field(ge=-1_000_000_000, le=1_000_000_000)
    reason: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _non_zero(self) -> Self:
        if self.delta == 0:
            raise ValueError("delta must not be 0")
        return self


class StockSet(BaseModel):
    stock: Stock | None = Field(description="null stops tracking stock for this SKU")
    reason: str = Field(min_length=1, max_length=200)


class StockLevel(BaseModel):
    variant_id: uuid.UUID
    sku: str
    stock: int | None


class SellableRead(BaseModel):
    """One purchasable SKU at one currency: what orders snapshot into a line."""

    product_id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    name: str
    kind: ProductKind
    currency: str
    unit_amount: int
    tax_rate_bp: int
    prices_include_tax: bool
    tracks_stock: bool
    plan: PlanTerms | None
    category_id: uuid.UUID | None


class CategoryCreate(BaseModel):
    name: Name
    slug: Slug | None = Field(default=None, description="Generated from the name if absent")
    parent_id: uuid.UUID | None = None
    position: int = Field(default=0, ge=0, le=10_000)


class CategoryUpdate(_Patch):
    _not_null: ClassVar[tuple[str, ...]] = ("name", "slug", "position")

    name: Name | None = None
    slug: Slug | None = None
    parent_id: uuid.UUID | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class CategoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    parent_id: uuid.UUID | None
    position: int
    created_at: datetime
    updated_at: datetime


TaxCode = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
RateBp = Annotated[int, Field(ge=0, le=10_000, description="basis points: 2300 = 23 %")]


class TaxClassCreate(BaseModel):
    code: TaxCode
    name: Name
    rate_bp: RateBp


class TaxClassUpdate(_Patch):
    _not_null: ClassVar[tuple[str, ...]] = ("code", "name", "rate_bp")

    code: TaxCode | None = None
    name: Name | None = None
    rate_bp: RateBp | None = None


class TaxClassRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    rate_bp: int
    created_at: datetime
    updated_at: datetime


class CatalogSettingsRead(BaseModel):
    prices_include_tax: bool = True


class CatalogSettingsUpdate(BaseModel):
    prices_include_tax: bool
