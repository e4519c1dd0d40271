"""Events the checkout session publishes, each on its context's topic (key = the cart id):
`shipping.*` on shipping-events, `promotions.*` on promotions-events."""

from __future__ import annotations

import uuid
from datetime import date

from shopkeeper.bus import Event


class _SessionEvent(Event):
    key_field = "cart_id"

    cart_id: uuid.UUID  # = the checkout session id
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    version: int  # the session's version after the change


class ShippingMethodSelected(_SessionEvent):
    name = "shipping.shipping_method_selected.v1"

    method_id: uuid.UUID
    method_code: str
    currency: str
    price: int
    addons: list[str]


class ShippingAddressProvided(_SessionEvent):
    name = "shipping.shipping_address_provided.v1"

    country: str
    postal_code: str


class DeliveryDateSelected(_SessionEvent):
    name = "shipping.delivery_date_selected.v1"

    method_code: str
    delivery_date: date
    addons: list[str]


class PromotionApplied(_SessionEvent):
    name = "promotions.promotion_applied.v1"

    promotion_id: uuid.UUID
    promotion_name: str


class PromotionRemoved(_SessionEvent):
    """A promotion the shopper set aside, or a promo code they took off (`source` says)."""

    name = "promotions.promotion_removed.v1"

    promotion_id: uuid.UUID  # the promotion's, or the promo code's id
    source: str  # "promotion" | "code"
    code: str | None = None


class PromoCodeApplied(_SessionEvent):
    name = "promotions.promo_code_applied.v1"

    promo_code_id: uuid.UUID
    code: str
    discount: int  # what the code took off the cart when applied (minor units)


class PromoCodeInvalid(_SessionEvent):
    name = "promotions.promo_code_invalid.v1"

    code: str
    reason: str  # the typed error, e.g. "PromoCodeExpired"
    detail: str
