"""Orders: what a customer bought, at which price and tax, and where it stands.

Public: `place_order(session, *, shop_id, customer_id, currency, items, promo_code,
shipping_amount, source, now, ttl, actor)` → `OrderRead` (line snapshots, totals, a per-shop
number like `LUM-000042`; stock reserved and the promo code's use redeemed in the same
transaction), `place_order_once` (Idempotency-Key), `get_order`,
`list_orders` (by state, customer or number as typed; sorted; a count that may stop early),
`mark_paid`
(payments calls it; idempotent per payment_id), `record_refund` (idempotent per refund_id),
`cancel_order`, `fulfil_order`, `expire_unpaid` (task `orders.expire_unpaid`),
`revenue_by_kind` (line totals of paid orders in a window, per currency), `sales_by_currency`
(orders paid in a window: count, paid, refunded, net), `top_products` (best sellers),
`sales_version` (moves when an order is paid),
`paying_customer_ids` (who ever paid: the "never paid" broadcast audience).
States and transitions: `shopkeeper.orders.states`; arithmetic: `shopkeeper.orders.pricing`.
Publishes `orders.order_placed.v1`, `orders.order_paid.v1`, `orders.order_fulfilled.v1`,
`orders.order_cancelled.v1`, `orders.order_refunded.v1`; consumes
`identity.customers_merged.v1`. HTTP: `/api/v1/shops/{shop}/orders` (orders.read/write).
"""

from shopkeeper.orders.errors import (
    IdempotencyKeyReused,
    IllegalTransition,
    InvalidAmount,
    InvalidIdempotencyKey,
    OrderNotFound,
    OrderNotPayable,
    PaymentAmountMismatch,
    RefundExceedsPaid,
)
from shopkeeper.orders.events import (
    OrderCancelled,
    OrderEventLine,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
)
from shopkeeper.orders.schemas import (
    OrderCancel,
    OrderCreate,
    OrderItemIn,
    OrderLineRead,
    OrderRead,
    OrderSort,
    OrderState,
    ProductSales,
    SalesTotal,
)
from shopkeeper.orders.service.audiences import paying_customer_ids
from shopkeeper.orders.service.idempotency import place_order_once
from shopkeeper.orders.service.lifecycle import (
    cancel_order,
    expire_unpaid,
    fulfil_order,
    mark_paid,
    record_refund,
)
from shopkeeper.orders.service.placement import DEFAULT_TTL, place_order
from shopkeeper.orders.service.reads import (
    get_order,
    list_orders,
    rebuild_sales_rollup,
    revenue_by_kind,
    sales_by_currency,
    sales_version,
    top_products,
)

__all__ = [
    "DEFAULT_TTL",
    "IdempotencyKeyReused",
    "IllegalTransition",
    "InvalidAmount",
    "InvalidIdempotencyKey",
    "OrderCancel",
    "OrderCancelled",
    "OrderCreate",
    "OrderEventLine",
    "OrderFulfilled",
    "OrderItemIn",
    "OrderLineRead",
    "OrderNotFound",
    "OrderNotPayable",
    "OrderPaid",
    "OrderPlaced",
    "OrderRead",
    "OrderRefunded",
    "OrderSort",
    "OrderState",
    "PaymentAmountMismatch",
    "ProductSales",
    "RefundExceedsPaid",
    "SalesTotal",
    "cancel_order",
    "expire_unpaid",
    "fulfil_order",
    "get_order",
    "list_orders",
    "mark_paid",
    "paying_customer_ids",
    "place_order",
    "place_order_once",
    "rebuild_sales_rollup",
    "record_refund",
    "revenue_by_kind",
    "sales_by_currency",
    "sales_version",
    "top_products",
]
