"""Events published by the subscriptions context (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from shopkeeper.bus import Event


class SubscriptionStarted(Event):
    """A customer's subscription to a plan began (trialing or active)."""

    name = "subscriptions.subscription_started.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    status: str
    period_end: datetime
    order_id: uuid.UUID | None


class SubscriptionRenewed(Event):
    """The period end moved forward: a renewal payment, an early payment, an extension or gift."""

    name = "subscriptions.subscription_renewed.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    period_end: datetime
    order_id: uuid.UUID | None
    reason: str  # "payment" | "extension" | "gift"


class SubscriptionPastDue(Event):
    """The paid period ended; access continues until `grace_until`."""

    name = "subscriptions.subscription_past_due.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    grace_until: datetime


class SubscriptionCancelScheduled(Event):
    """The customer or staff asked to end at period end (`undone` when they took it back)."""

    name = "subscriptions.cancel_scheduled.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    period_end: datetime
    undone: bool


class SubscriptionEnded(Event):
    """The subscription is over: expired after its grace period, or revoked by staff.

    Consumers (access) withdraw what it granted.
    """

    name = "subscriptions.subscription_ended.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    reason: str  # "expired" | "revoked"


class SubscriptionReminderDue(Event):
    """Time to remind the customer (once per subscription, period and kind)."""

    name = "subscriptions.reminder_due.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    period_end: datetime
    kind: str  # "before_3d" | "before_1d" | "expired" (configurable offsets → "before_<N>d")
    days_left: int


class SubscriptionRenewalStopped(Event):
    """Automatic renewal stopped: the saved method was declined, or the provider's own
    subscription ended. The subscription renews by reminders from now on (`reason` says why)."""

    name = "subscriptions.renewal_stopped.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    period_end: datetime
    provider: str | None
    reason: str
