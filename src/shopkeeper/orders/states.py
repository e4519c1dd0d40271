"""The order state machine: which action may move an order from which state, and where to.

    pending ──pay──▶ paid ──fulfil──▶ fulfilled
       │               │                 │
    cancel/expire    refund           refund
       ▼               ▼                 ▼
    cancelled   partially_refunded ──refund──▶ refunded

A paid order is not cancelled: its money goes back through a refund. Fulfilment is allowed
while part of the money has been refunded (a partial return), not after a full refund.
"""

from __future__ import annotations

from shopkeeper.orders.errors import IllegalTransition
from shopkeeper.orders.schemas import OrderState

S = OrderState
REFUNDABLE = frozenset({S.PAID, S.FULFILLED, S.PARTIALLY_REFUNDED})

# action → the states it may start from
ALLOWED_FROM: dict[str, frozenset[OrderState]] = {
    "pay": frozenset({S.PENDING}),
    "cancel": frozenset({S.PENDING}),
    "expire": frozenset({S.PENDING}),
    "fulfil": frozenset({S.PAID, S.PARTIALLY_REFUNDED}),
    "refund": REFUNDABLE,
}


def check(action: str, state: OrderState | str) -> None:
    """Raise IllegalTransition unless `action` may start from `state`."""
    current = OrderState(state)
    if current not in ALLOWED_FROM[action]:
        raise IllegalTransition(action, current.value)


def after_refund(*, paid: int, refunded: int) -> OrderState:
    """The state once `refunded` of `paid` has gone back."""
    return S.REFUNDED if refunded >= paid else S.PARTIALLY_REFUNDED
