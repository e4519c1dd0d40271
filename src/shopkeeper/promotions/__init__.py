"""Promotions: promo codes (percent or fixed per currency) and their uses by orders.

Public: `quote_promo_code(session, *, shop_id, code, customer_id, currency, lines, now,
is_first_purchase)` → `PromoQuote` (discount and its share per line; typed errors say why a
code does not apply), `redeem(...)` counts one use atomically for an order, `release(...)`
gives it back when the order is cancelled or expires. Management: `create_promo_code`,
`generate_promo_codes` (bulk single-use), `list_promo_codes`, `get_promo_code`,
`deactivate_promo_code`, `list_redemptions`. Promotions never imports orders: the caller
answers "is this the customer's first purchase?". Consumes `identity.customers_merged.v1`;
publishes nothing. HTTP: `/api/v1/shops/{shop}/promo-codes` (promotions.write / orders.read).
Cart promotions (rules, the pure engine, `evaluate_cart`): the `promotions.rules` package.
"""

from shopkeeper.promotions.errors import (
    PromoCodeBelowMinimum,
    PromoCodeCustomerLimitReached,
    PromoCodeCustomerRequired,
    PromoCodeExhausted,
    PromoCodeExpired,
    PromoCodeFirstPurchaseOnly,
    PromoCodeInactive,
    PromoCodeNotApplicable,
    PromoCodeNotForCustomer,
    PromoCodeNotFound,
    PromoCodeNotYetValid,
    PromoCodeTaken,
)
from shopkeeper.promotions.rules import (
    AppliedCode,
    CartLine,
    Evaluation,
    LineType,
    evaluate_cart,
)
from shopkeeper.promotions.schemas import (
    WINDOW_ORDER,
    DiscountKind,
    PromoBulkCreate,
    PromoBulkCreated,
    PromoCodeCreate,
    PromoCodeRead,
    PromoLine,
    PromoQuote,
    RedemptionRead,
)
from shopkeeper.promotions.service.codes import (
    create_promo_code,
    deactivate_promo_code,
    generate_promo_codes,
    get_promo_code,
    list_promo_codes,
    list_redemptions,
)
from shopkeeper.promotions.service.redemptions import quote_promo_code, redeem, release

__all__ = [
    "WINDOW_ORDER",
    "AppliedCode",
    "CartLine",
    "DiscountKind",
    "Evaluation",
    "LineType",
    "PromoBulkCreate",
    "PromoBulkCreated",
    "PromoCodeBelowMinimum",
    "PromoCodeCreate",
    "PromoCodeCustomerLimitReached",
    "PromoCodeCustomerRequired",
    "PromoCodeExhausted",
    "PromoCodeExpired",
    "PromoCodeFirstPurchaseOnly",
    "PromoCodeInactive",
    "PromoCodeNotApplicable",
    "PromoCodeNotForCustomer",
    "PromoCodeNotFound",
    "PromoCodeNotYetValid",
    "PromoCodeRead",
    "PromoCodeTaken",
    "PromoLine",
    "PromoQuote",
    "RedemptionRead",
    "create_promo_code",
    "deactivate_promo_code",
    "evaluate_cart",
    "generate_promo_codes",
    "get_promo_code",
    "list_promo_codes",
    "list_redemptions",
    "quote_promo_code",
    "redeem",
    "release",
]
