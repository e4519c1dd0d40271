"""Finalisation: a confirmed checkout becomes an order and its payment starts.

`POST /api/v1/shops/{shop}/checkout/finalize` checks the checkout again as it is now
(lines sellable, prices, stock, shipping method, address, date, payment method, customer
data, consents; `expected_total`), places the order through `orders.place_order` (source
"checkout", stock reserved atomically, the promotions' and the code's discounts, gifts at no
charge, shipping), records it in checkout_order with a snapshot of what was agreed, marks
the cart converted, publishes `checkout.order_created.v1` and
`checkout.checkout_completed.v1` (topic checkout-events), commits, then starts the payment
(checkout.payment). Idempotent per cart. Consumes `orders.order_cancelled.v1`: a checkout
order that expired unpaid (or staff cancelled) opens its cart again. Public:
`finalize_checkout`, `place_checkout_order`, `order_of_cart`.
"""

from shopkeeper.checkout.finalize.errors import (
    CheckoutNotReady,
    FinalizedCartNotFound,
    TotalChanged,
)
from shopkeeper.checkout.finalize.events import CheckoutCompleted, OrderCreated
from shopkeeper.checkout.finalize.flow import finalize_checkout
from shopkeeper.checkout.finalize.reads import order_of_cart
from shopkeeper.checkout.finalize.schemas import (
    CheckoutOrderRead,
    FinalizeRequest,
    FinalizeResult,
)
from shopkeeper.checkout.finalize.service import Finalised, FinalizeContext, place_checkout_order

__all__ = [
    "CheckoutCompleted",
    "CheckoutNotReady",
    "CheckoutOrderRead",
    "Finalised",
    "FinalizeContext",
    "FinalizeRequest",
    "FinalizeResult",
    "FinalizedCartNotFound",
    "OrderCreated",
    "TotalChanged",
    "finalize_checkout",
    "order_of_cart",
    "place_checkout_order",
]
