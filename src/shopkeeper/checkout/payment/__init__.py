"""Checkout payment: how a checkout is paid, starting its payment, following its outcome.

Methods are the shop's enabled gateways (Telegram Stars only for a cart in XTR) and "cod"
(cash on delivery) when the chosen shipping method collects it; the choice is stored on the
checkout session. Each try to pay a finalised order is an attempt (checkout_payment_attempt;
its id is the shopper's transaction id): pending → success | failed, refund. Public:
`start_checkout_payment(container, *, shop, cart_id, order_id, method, return_url)` (its
own transactions; the gateway is called outside any), `payment_methods`,
`check_payment_method` (finalisation asks it), `latest_payment`. Publishes
`payment.payment_method_selected.v1`, `payment_initialized.v1`, `payment_pending.v1`,
`payment_succeeded.v1`, `payment_failed.v1`, `payment_refunded.v1` (topic payment-events);
consumes `payments.payment_succeeded.v1`, `payment_failed.v1` (the order cancelled, stock
back, the cart open again), `refund_succeeded.v1`, `shipping.shipping_method_selected.v1`
(a method that does not collect cash clears "cod"). HTTP under /api/v1/shops/{shop}/payment:
/available, /select, /initialize, /status/{transaction_id}, /webhook/{gateway}.
"""

from shopkeeper.checkout.payment.errors import (
    CheckoutOrderMissing,
    CheckoutOrderNotPayable,
    PaymentAlreadyStarting,
    PaymentAttemptNotFound,
    PaymentMethodMissing,
    PaymentMethodUnavailable,
)
from shopkeeper.checkout.payment.events import (
    PaymentFailed,
    PaymentInitialized,
    PaymentMethodSelected,
    PaymentPending,
    PaymentRefunded,
    PaymentSucceeded,
)
from shopkeeper.checkout.payment.methods import (
    COD,
    check_payment_method,
    method_name,
    payment_methods,
)
from shopkeeper.checkout.payment.reads import latest_payment, payment_status
from shopkeeper.checkout.payment.schemas import (
    AttemptStatus,
    CheckoutPaymentRead,
    MethodKind,
    PaymentMethodOption,
    PaymentMethods,
)
from shopkeeper.checkout.payment.selection import available_methods, select_method
from shopkeeper.checkout.payment.start import start_checkout_payment

__all__ = [
    "COD",
    "AttemptStatus",
    "CheckoutOrderMissing",
    "CheckoutOrderNotPayable",
    "CheckoutPaymentRead",
    "MethodKind",
    "PaymentAlreadyStarting",
    "PaymentAttemptNotFound",
    "PaymentFailed",
    "PaymentInitialized",
    "PaymentMethodMissing",
    "PaymentMethodOption",
    "PaymentMethodSelected",
    "PaymentMethodUnavailable",
    "PaymentMethods",
    "PaymentPending",
    "PaymentRefunded",
    "PaymentSucceeded",
    "available_methods",
    "check_payment_method",
    "latest_payment",
    "method_name",
    "payment_methods",
    "payment_status",
    "select_method",
    "start_checkout_payment",
]
