"""Bodies and answers of the checkout session endpoints (money: minor units of the cart)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.checkout.shipping import MethodOffer, ShippingAddress

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
AddonCodes = Annotated[list[Code], Field(max_length=20)]


class ShippingSelect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method_code: Code
    addons: AddonCodes | None = Field(
        default=None, description="Add-on codes; absent: keep the ones chosen for this method"
    )


class DeliveryDateSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    addons: AddonCodes = Field(default_factory=list)


class PromotionApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    promotion_id: uuid.UUID


class PromoCodeApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class SessionRead(BaseModel):
    """The shopper's choices as stored (prices are in the summary)."""

    cart_id: uuid.UUID
    version: int
    shipping_method_code: str | None
    addons: list[str]
    address: ShippingAddress | None
    delivery_date: date | None
    payment_method_code: str | None
    chosen_promotion_ids: list[uuid.UUID]
    removed_promotion_ids: list[uuid.UUID]
    promo_codes: list[str]
    notice: str | None


class ShippingOptions(BaseModel):
    currency: str
    selected_method_code: str | None
    methods: list[MethodOffer]


class PromotionOption(BaseModel):
    """A promotion the cart qualifies for (or is short of), and what the shopper did with it."""

    promotion_id: uuid.UUID
    name: str
    kind: str
    eligible: bool
    applied: bool = Field(description="It gives a discount in this checkout now")
    removed: bool = Field(description="The shopper set it aside")
    discount: int
    missing_items: int | None = None
    missing_amount: int | None = None


class AppliedCodeRead(BaseModel):
    promo_code_id: uuid.UUID
    code: str
    discount: int
    valid: bool
    problem: str | None = None


class PromotionsRead(BaseModel):
    currency: str
    promotions: list[PromotionOption]
    codes: list[AppliedCodeRead]


class SummaryLine(BaseModel):
    item_id: uuid.UUID
    type: str
    parent_item_id: uuid.UUID | None
    name: str
    sku: str
    quantity: int
    unit_price: int | None
    line_total: int
    discount: int
    tax: int = Field(description="VAT in this line's total (included in the price, or added)")
    total: int = Field(description="What the line costs: after discounts, with added VAT")
    available: bool
    problem: str | None


class SummaryGift(BaseModel):
    promotion_id: uuid.UUID
    name: str
    sku: str
    quantity: int


class SummaryAddon(BaseModel):
    code: str
    name: str
    price: int


class SummaryShipping(BaseModel):
    method_code: str | None
    name: str | None
    kind: str | None
    available: bool
    problem: str | None
    price: int
    addons: list[SummaryAddon]
    requires_delivery_date: bool
    delivery_date: date | None
    address: ShippingAddress | None


class SummaryDiscount(BaseModel):
    id: uuid.UUID
    source: str  # "promotion" | "code"
    name: str
    kind: str
    discount: int


class Totals(BaseModel):
    currency: str
    subtotal: int = Field(description="Lines that can be bought, before discounts")
    discounts: int
    tax: int = Field(description="VAT within the total (prices with VAT, or VAT added to them)")
    shipping: int = Field(description="The method's price and its add-ons")
    total: int


class CheckoutSummary(BaseModel):
    cart_id: uuid.UUID
    cart_version: int
    session_version: int
    lines: list[SummaryLine] = Field(description="Offers and accessories")
    services: list[SummaryLine]
    warranties: list[SummaryLine]
    gifts: list[SummaryGift]
    shipping: SummaryShipping
    promotions: list[SummaryDiscount]
    codes: list[AppliedCodeRead]
    totals: Totals
    missing: list[str] = Field(
        description="What finalize still needs: shipping_method, shipping_address, "
        "delivery_date, available_lines, customer_data, consent:<code> (a required consent "
        "not accepted at its current text)"
    )
    notices: list[str]
    ready: bool
