"""Shapes of the cart: item bodies, the owner of a cart, answers, and the materialised view."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_QUANTITY = 99  # per line
MAX_LINES = 100  # per cart: 100 × 99 units stay within what the promotions engine takes


class ItemType(StrEnum):
    OFFER = "offer"
    WARRANTY = "warranty"
    ACCESSORY = "accessory"
    SERVICE = "service"


class CartState(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # its items went into the customer's cart at sign-in
    CONVERTED = "converted"  # it became an order


class CartOwner(BaseModel):
    """Whose cart a request means: the signed-in customer's, else the token's (else none)."""

    model_config = ConfigDict(frozen=True)

    customer_id: uuid.UUID | None = None
    token: str | None = Field(default=None, repr=False)


class CartItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ItemType
    variant_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)
    parent_item_id: uuid.UUID | None = Field(
        default=None, description="The line a service or warranty belongs to"
    )


class CartItemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=1, le=MAX_QUANTITY, description="Remove a line with DELETE")


class CartItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cart_id: uuid.UUID
    type: ItemType
    variant_id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    parent_item_id: uuid.UUID | None
    added_at: datetime
    updated_at: datetime


class CartRead(BaseModel):
    """A cart and its lines as stored (no prices: those are in the view)."""

    id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    currency: str
    state: CartState
    version: int
    created_at: datetime
    updated_at: datetime
    items: list[CartItemRead]


class ItemAdded(BaseModel):
    """The answer to an add: the line as it now is; `cart_token` only when a cart was made."""

    cart_id: uuid.UUID
    version: int
    cart_token: str | None = Field(
        default=None, description="Shown once: send it back as X-Cart-Token"
    )
    merged: bool = Field(description="The same thing was already there: quantities added up")
    item: CartItemRead


class ItemChanged(BaseModel):
    cart_id: uuid.UUID
    version: int
    item: CartItemRead


class ItemsRemoved(BaseModel):
    cart_id: uuid.UUID
    version: int
    removed: list[uuid.UUID] = Field(description="The item and the services/warranties of it")


class CartsMerged(BaseModel):
    """The customer's cart after taking in an anonymous one."""

    cart_id: uuid.UUID
    version: int
    merged_from: uuid.UUID
    moved: int = Field(description="Lines that moved over as they were")
    combined: int = Field(description="Lines added to an equal line (quantities capped)")
    dropped: int = Field(description="Lines left out: the customer's cart was full")


class LineDiscountRead(BaseModel):
    promotion_id: uuid.UUID
    name: str
    amount: int


class CartViewLine(BaseModel):
    """A line priced now from the catalog, in the cart's currency (minor units)."""

    id: uuid.UUID
    type: ItemType
    parent_item_id: uuid.UUID | None
    variant_id: uuid.UUID
    product_id: uuid.UUID
    name: str
    sku: str
    quantity: int
    unit_price: int | None = Field(description="None when the line cannot be bought now")
    line_total: int
    discount: int
    total: int
    discounts: list[LineDiscountRead]
    stock_available: int | None = Field(description="None: the variant does not track stock")
    in_stock: bool
    available: bool
    problem: str | None = None
    category_ids: list[uuid.UUID]
    weight_grams: int | None = None
    dimensions_mm: tuple[int, int, int] | None = None
    tax_rate_bp: int = Field(default=0, description="VAT rate of the line, basis points")
    tax_included: bool = Field(default=True, description="The price includes VAT (else added)")


class CartViewGift(BaseModel):
    """A line a promotion gives at 0 (not an item of the cart)."""

    promotion_id: uuid.UUID
    promotion_name: str
    product_id: uuid.UUID
    variant_id: uuid.UUID
    name: str
    sku: str
    quantity: int


class CartViewPromotion(BaseModel):
    id: uuid.UUID
    source: str
    name: str
    kind: str
    discount: int


class CartView(BaseModel):
    """GET /cart: stored after each change, rebuilt when older than the cart."""

    cart_id: uuid.UUID | None = Field(description="None: this owner has no cart yet")
    currency: str
    version: int
    items: list[CartViewLine]
    gifts: list[CartViewGift]
    promotions: list[CartViewPromotion]
    subtotal: int
    discount: int
    total: int
    item_count: int = Field(description="Units in the cart (the sum of the quantities)")
    line_count: int
    built_at: datetime
