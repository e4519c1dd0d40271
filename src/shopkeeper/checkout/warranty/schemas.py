"""Shapes of warranty offers (staff) and of the warranty options a cart line may have."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_MONTHS = 240


class WarrantyOfferCreate(BaseModel):
    product_id: uuid.UUID = Field(description="The physical product the warranty covers")
    variant_id: uuid.UUID = Field(description="A variant of a product of kind warranty")
    months: int = Field(ge=1, le=MAX_MONTHS)
    active: bool = True


class WarrantyOfferUpdate(BaseModel):
    """PATCH: absent fields stay (the product and the variant do not change: make a new offer)."""

    months: int | None = Field(default=None, ge=1, le=MAX_MONTHS)
    active: bool | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        if nulls := [f for f in ("months", "active") if f in self.model_fields_set and
                     getattr(self, f) is None]:  # fmt: skip
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class WarrantyOfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    months: int
    active: bool
    created_at: datetime
    updated_at: datetime


LineType = Literal["offer", "accessory", "service", "warranty"]
PRODUCT_LINES: frozenset[str] = frozenset({"offer", "accessory"})


class WarrantyLine(BaseModel):
    """One cart line as warranty sees it."""

    model_config = ConfigDict(frozen=True)

    item_id: uuid.UUID
    type: LineType = "offer"
    product_id: uuid.UUID | None = None
    variant_id: uuid.UUID | None = None
    parent_item_id: uuid.UUID | None = None
    quantity: int = Field(ge=1, le=1_000_000)
    name: str = Field(default="", max_length=200, description="For messages only")


class WarrantyCart(BaseModel):
    model_config = ConfigDict(frozen=True)

    lines: list[WarrantyLine] = Field(default_factory=list, max_length=500)


class WarrantyOption(BaseModel):
    """A warranty a customer may buy for one unit of `product_id`, priced in `currency`."""

    offer_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    warranty_product_id: uuid.UUID
    sku: str
    name: str
    months: int
    currency: str
    price: int


class WarrantyChoice(BaseModel):
    """A checked choice: what the cart stores as a warranty item tied to its parent line."""

    offer_id: uuid.UUID
    variant_id: uuid.UUID
    warranty_product_id: uuid.UUID
    sku: str
    name: str
    months: int
    parent_item_id: uuid.UUID
    quantity: int = Field(description="One per unit of the parent line")
    currency: str
    unit_price: int
    amount: int
