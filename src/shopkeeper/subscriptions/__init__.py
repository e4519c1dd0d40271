"""Subscriptions: a customer's time on a plan (a catalog product of kind "plan").

Statuses trialing → active → past_due (until `grace_until`) → expired, or canceled (cancel at
period end, staff revoke, refund, merge); one live subscription per (shop, customer, plan).
Public: `start_or_extend(session, *, shop_id, customer_id, product_id, order_id, periods, now)`
(once per order; trial first for a first-time subscriber; extends from the current end),
`gift`, `extend`, `revoke`, `cancel_at_period_end`, `undo_cancel`, `record_renewal_reference`
(renewal "manual" or "auto" with a provider reference; payments charges), `get_subscription`,
`list_subscriptions`, `list_customer_subscriptions` (a bot's /status), `has_active`;
`expire_due` / `send_reminders` (tasks `subscriptions.expire`, `subscriptions.remind`).
Automatic renewal (`service.renewals`): a plan paid through a gateway that renews by itself
renews "auto" (no reminders before the end); task `subscriptions.renew` charges saved
methods SHOPKEEPER_RENEWAL_LEAD_HOURS ahead, once per period end; a decline or an ended
gateway subscription falls back to reminders.
Publishes `subscriptions.subscription_started.v1`, `.subscription_renewed.v1`,
`.subscription_past_due.v1`, `.cancel_scheduled.v1`, `.subscription_ended.v1`,
`.reminder_due.v1` (once per subscription, period end and kind), `.renewal_stopped.v1`.
Consumes `orders.order_paid.v1`, `orders.order_refunded.v1`, `identity.customers_merged.v1`,
`payments.payment_succeeded.v1`, `payments.payment_failed.v1`, `payments.recurring_ended.v1`.
HTTP: `/api/v1/shops/{shop}/subscriptions` (subscriptions.read / subscriptions.write; audited).
"""

from shopkeeper.subscriptions.errors import (
    NotAPlan,
    SubscriptionAlreadyPastDue,
    SubscriptionNotFound,
    SubscriptionNotLive,
)
from shopkeeper.subscriptions.events import (
    SubscriptionCancelScheduled,
    SubscriptionEnded,
    SubscriptionPastDue,
    SubscriptionReminderDue,
    SubscriptionRenewalStopped,
    SubscriptionRenewed,
    SubscriptionStarted,
)
from shopkeeper.subscriptions.periods import add_months, add_period, days_left
from shopkeeper.subscriptions.schemas import (
    CustomerSubscription,
    ExtendIn,
    GiftIn,
    PeriodRead,
    RenewalMode,
    SubscriptionDetail,
    SubscriptionRead,
    SubscriptionStatus,
)
from shopkeeper.subscriptions.service.changes import (
    cancel_at_period_end,
    extend,
    record_renewal_reference,
    revoke,
    undo_cancel,
)
from shopkeeper.subscriptions.service.jobs import expire_due, send_reminders
from shopkeeper.subscriptions.service.purchases import gift, start_or_extend
from shopkeeper.subscriptions.service.reads import (
    get_subscription,
    has_active,
    list_customer_subscriptions,
    list_subscriptions,
)

__all__ = [
    "CustomerSubscription",
    "ExtendIn",
    "GiftIn",
    "NotAPlan",
    "PeriodRead",
    "RenewalMode",
    "SubscriptionAlreadyPastDue",
    "SubscriptionCancelScheduled",
    "SubscriptionDetail",
    "SubscriptionEnded",
    "SubscriptionNotFound",
    "SubscriptionNotLive",
    "SubscriptionPastDue",
    "SubscriptionRead",
    "SubscriptionReminderDue",
    "SubscriptionRenewalStopped",
    "SubscriptionRenewed",
    "SubscriptionStarted",
    "SubscriptionStatus",
    "add_months",
    "add_period",
    "cancel_at_period_end",
    "days_left",
    "expire_due",
    "extend",
    "get_subscription",
    "gift",
    "has_active",
    "list_customer_subscriptions",
    "list_subscriptions",
    "record_renewal_reference",
    "revoke",
    "send_reminders",
    "start_or_extend",
    "undo_cancel",
]
