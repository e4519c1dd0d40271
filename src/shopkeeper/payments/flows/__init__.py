"""Boundaries around provider calls: each step is its own unit of work.

A call to a payment gateway can take seconds; no database transaction stays open across
one (on SQLite a transaction holds the write lock). So these functions take the container
and commit step by step: reserve → call the provider → record its answer. Callers must not
hold a transaction of their own while calling them.
"""

from shopkeeper.payments.flows.follow_up import (
    capture_or_cancel,
    refund_automatically,
    run_follow_ups,
    settle_due,
)
from shopkeeper.payments.flows.inbound import WebhookOutcome, receive_webhook
from shopkeeper.payments.flows.recurring import (
    charge_saved_method,
    set_provider_cancel_at_period_end,
)
from shopkeeper.payments.flows.refund import refund_order
from shopkeeper.payments.flows.start import start_payment

__all__ = [
    "WebhookOutcome",
    "capture_or_cancel",
    "charge_saved_method",
    "receive_webhook",
    "refund_automatically",
    "refund_order",
    "run_follow_ups",
    "set_provider_cancel_at_period_end",
    "settle_due",
    "start_payment",
]
