"""Cart promotions: rules a shop runs on carts, and the pure engine that applies them.

Kinds: percent or fixed off products/categories, second item at −X % per pair, buy N get M,
cart-value thresholds, gift items; priority, exclusive, stackable and a cap per currency
(the stacking rules: engine.py). `evaluate(lines, currency=, promotions=, codes=)` is pure;
`evaluate_cart(session, *, shop_id, currency, lines, codes, now)` loads the promotions in
force (one query) and runs it. Promotions never change a cart: they report discounts per
line, gift lines to add, what lost and why, and what the cart is close to. Promo codes stay
in the promotions context's code tables; validated codes join the stack as `AppliedCode`.
Management: `create_promotion`, `update_promotion`, `delete_promotion`, `get_promotion`,
`list_promotions` (audited; a change moves `promotions_generation(cache, shop_id)` on, for
the keys of what caches keep about promotions). Publishes and consumes no events (the
checkout's session publishes PromotionApplied and the rest).
HTTP: `/api/v1/shops/{shop}/promotion-rules` (promotions.write / orders.read).
"""

from shopkeeper.promotions.rules.engine import evaluate
from shopkeeper.promotions.rules.errors import (
    CartNotEvaluable,
    PromotionInvalid,
    PromotionNotFound,
    PromotionTargetNotFound,
)
from shopkeeper.promotions.rules.params import PromotionKind, Within
from shopkeeper.promotions.rules.schemas import PromotionCreate, PromotionRead, PromotionUpdate
from shopkeeper.promotions.rules.service import (
    create_promotion,
    delete_promotion,
    evaluate_cart,
    forget_promotions,
    get_promotion,
    list_promotions,
    promotions_family,
    promotions_generation,
    update_promotion,
)
from shopkeeper.promotions.rules.types import (
    AppliedCode,
    AppliedPromotion,
    AvailablePromotion,
    CartLine,
    Evaluation,
    GiftLine,
    LineDiscount,
    LineType,
    LossReason,
    LostPromotion,
    PromotionRule,
    Source,
    Targets,
)

__all__ = [
    "AppliedCode",
    "AppliedPromotion",
    "AvailablePromotion",
    "CartLine",
    "CartNotEvaluable",
    "Evaluation",
    "GiftLine",
    "LineDiscount",
    "LineType",
    "LossReason",
    "LostPromotion",
    "PromotionCreate",
    "PromotionInvalid",
    "PromotionKind",
    "PromotionNotFound",
    "PromotionRead",
    "PromotionRule",
    "PromotionTargetNotFound",
    "PromotionUpdate",
    "Source",
    "Targets",
    "Within",
    "create_promotion",
    "delete_promotion",
    "evaluate",
    "evaluate_cart",
    "forget_promotions",
    "get_promotion",
    "list_promotions",
    "promotions_family",
    "promotions_generation",
    "update_promotion",
]
