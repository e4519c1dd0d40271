"""Checkout session: what a shopper chose for their cart on the way to an order.

One session per cart (table checkout_session, keyed by the cart id; the owner is the cart's:
the signed-in storefront customer or the `X-Cart-Token`): the shipping method and add-ons,
the address, the delivery date, the payment method code (stored; the payment sub-context
sets it), promotions set aside or taken back, the promo code. Public: `get_session`,
`select_method`, `set_address`, `set_delivery_date`, `apply_promotion`, `remove_promotion`,
`apply_code`, `set_payment_method` / `clear_payment_method` (for the payment
sub-context), `checkout_summary` (lines, services, warranties, shipping, discounts, totals,
`missing`; kept as the materialised totals view `checkout:totals:{cart_id}`, see totals.py),
`refresh_totals` (for consumers), `recheck_shipping`. Publishes
`shipping.shipping_method_selected.v1`, `shipping.shipping_address_provided.v1`,
`shipping.delivery_date_selected.v1` (topic shipping-events),
`promotions.promotion_applied.v1`, `promotions.promotion_removed.v1`,
`promotions.promo_code_applied.v1`, `promotions.promo_code_invalid.v1` (promotions-events);
consumes `cart.item_*` (a method the changed cart cannot use is cleared; kept totals are
computed again) and its own shipping and promotion events (totals again). HTTP under
/api/v1/shops/{shop}: /shipping/available|select|address|set-date, /promotions/available|
apply|apply-code|{id}, /services/available, /services/for-item/{id}, /checkout/summary.
"""

from shopkeeper.checkout.session.errors import (
    CheckoutCartNotFound,
    PromoCodeAlreadyApplied,
    PromotionNotApplied,
    PromotionNotAvailable,
    ShippingChoiceMissing,
    ShippingMethodUnavailable,
)
from shopkeeper.checkout.session.events import (
    DeliveryDateSelected,
    PromoCodeApplied,
    PromoCodeInvalid,
    PromotionApplied,
    PromotionRemoved,
    ShippingAddressProvided,
    ShippingMethodSelected,
)
from shopkeeper.checkout.session.handlers import update_totals
from shopkeeper.checkout.session.payment_choice import clear_payment_method, set_payment_method
from shopkeeper.checkout.session.promotion_choice import (
    CodeRefused,
    apply_code,
    apply_promotion,
    available_promotions,
    remove_promotion,
)
from shopkeeper.checkout.session.reads import get_session
from shopkeeper.checkout.session.schemas import CheckoutSummary, SessionRead
from shopkeeper.checkout.session.shipping_choice import (
    recheck_shipping,
    select_method,
    set_address,
    set_delivery_date,
    shipping_options,
)
from shopkeeper.checkout.session.totals import checkout_summary, refresh_totals

__all__ = [
    "CheckoutCartNotFound",
    "CheckoutSummary",
    "CodeRefused",
    "DeliveryDateSelected",
    "PromoCodeAlreadyApplied",
    "PromoCodeApplied",
    "PromoCodeInvalid",
    "PromotionApplied",
    "PromotionNotApplied",
    "PromotionNotAvailable",
    "PromotionRemoved",
    "SessionRead",
    "ShippingAddressProvided",
    "ShippingChoiceMissing",
    "ShippingMethodSelected",
    "ShippingMethodUnavailable",
    "apply_code",
    "apply_promotion",
    "available_promotions",
    "checkout_summary",
    "clear_payment_method",
    "get_session",
    "recheck_shipping",
    "refresh_totals",
    "remove_promotion",
    "select_method",
    "set_address",
    "set_delivery_date",
    "set_payment_method",
    "shipping_options",
    "update_totals",
]
