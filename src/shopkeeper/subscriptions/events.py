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


class SubscriptionPlanChanged(Event):
    """The subscription moved to another plan, keeping its period end (an upgrade paid for,
    a downgrade or upgrade that reached its date). Consumers (access) swap what it grants."""

    name = "subscriptions.plan_changed.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    from_product_id: uuid.UUID
    to_product_id: uuid.UUID
    period_end: datetime
    direction: str  # "upgrade" | "downgrade"
    order_id: uuid.UUID | None


class SubscriptionPlanChangeScheduled(Event):
    """A move to another plan was scheduled for `effective_at` (`undone` when taken back)."""

    name = "subscriptions.plan_change_scheduled.v1"
    key_field = "subscription_id"

    subscription_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    from_product_id: uuid.UUID
    to_product_id: uuid.UUID
    effective_at: datetime
    direction: str
    undone: bool
