"""Win-back chains: what a shop says to a customer after their subscription expired.

A shop configures steps (`set_chain`: day after the expiry, template purpose `winback.step` or
`winback.offer`, optionally a single-use promo code valid N days, created through promotions
when the step is sent). Consumes `subscriptions.subscription_ended.v1` (reason "expired":
`schedule_chain`), and `orders.order_paid.v1`, `subscriptions.subscription_started.v1`,
`subscriptions.subscription_renewed.v1` (`cancel_chain`: the customer is back). The task
`notifications.winback` claims due steps in the database and sends each once through notify
(opt-outs respected). HTTP: `GET/PUT /api/v1/shops/{shop}/winback` (notifications.write).
"""

from shopkeeper.notifications.winback.schemas import (
    WinbackChainRead,
    WinbackChainWrite,
    WinbackPromo,
    WinbackSendRead,
    WinbackStep,
)
from shopkeeper.notifications.winback.service import (
    cancel_chain,
    get_chain,
    list_sends,
    schedule_chain,
    set_chain,
)

__all__ = [
    "WinbackChainRead",
    "WinbackChainWrite",
    "WinbackPromo",
    "WinbackSendRead",
    "WinbackStep",
    "cancel_chain",
    "get_chain",
    "list_sends",
    "schedule_chain",
    "set_chain",
]
