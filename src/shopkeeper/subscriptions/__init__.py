"""Subscriptions: a customer's time on a plan (a catalog product of kind "plan").

Statuses trialing → active → past_due (until `grace_until`) → expired, or canceled (cancel at
period end, staff revoke, refund, merge); one live subscription per (shop, customer, plan).
Public: `start_or_extend(session, *, shop_id, customer_id, product_id, order_id, periods, now)`
(once per order; trial first for a first-time subscriber; extends from the current end),
`gift`, `extend`, `revoke`, `cancel_at_period_end`, `undo_cancel`, `record_renewal_reference`
(renewal "manual" or "auto" with a provider reference; payments charges), `get_subscription`,
`list_subscriptions`, `list_customer_subscriptions` (a bot's /status), `has_active`;
`subscription_figures` (live per plan; started, ended, live at the start of a window),
`figures_version`;
`expire_due` / `send_reminders` (tasks `subscriptions.expire`, `subscriptions.remind`);
`live_subscriber_ids` / `lapsed_subscriber_ids` (customer ids for broadcast audiences).
Automatic renewal (`service.renewals`): a plan paid through a gateway that renews by itself
renews "auto" (no reminders before the end); task `subscriptions.renew` charges saved
methods SHOPKEEPER_RENEWAL_LEAD_HOURS ahead, once per period end; a decline or an ended
gateway subscription falls back to reminders.
Plan changes (`service.plan_changes`): `preview_change` / `change_plan(session, shop_id,
subscription_id, new_product_id, now)` — an upgrade now with proration (an order of source
"plan_change"; paid → switched, end kept) or at period end, a downgrade at period end
(`pending_product_id`, applied by the expiry job) or now, per shop rules
(`get_plan_change_rules` / `set_plan_change_rules`); `undo_change`, `list_plan_changes`.
Publishes `subscriptions.subscription_started.v1`, `.subscription_renewed.v1`,
`.subscription_past_due.v1`, `.cancel_scheduled.v1`, `.subscription_ended.v1`,
`.reminder_due.v1` (once per subscription, period end and kind), `.renewal_stopped.v1`,
`.plan_changed.v1`, `.plan_change_scheduled.v1`.
Consumes `orders.order_paid.v1`, `orders.order_cancelled.v1`, `orders.order_refunded.v1`,
`identity.customers_merged.v1`, `payments.payment_succeeded.v1`, `payments.payment_failed.v1`,
`payments.recurring_ended.v1`.
HTTP: `/api/v1/shops/{shop}/subscriptions` (subscriptions.read / subscriptions.write; audited),
`…/subscriptions/{id}/change-plan` (+ `/preview`, `/undo`), `…/subscriptions/plan-change-rules`.
"""

from shopkeeper.subscriptions.errors import (
    NotAPlan,
    PlanChangeNotFound,
    PlanChangePending,
    PlanChangeRefused,
    PlanCurrencyMismatch,
    PlanUnchanged,
    SubscriptionAlreadyPastDue,
    SubscriptionNotFound,
    SubscriptionNotLive,
)
from shopkeeper.subscriptions.events import (
    SubscriptionCancelScheduled,
    SubscriptionEnded,
    SubscriptionPastDue,
    SubscriptionPlanChanged,
    SubscriptionPlanChangeScheduled,
    SubscriptionReminderDue,
    SubscriptionRenewalStopped,
    SubscriptionRenewed,
    SubscriptionStarted,
)
from shopkeeper.subscriptions.periods import add_months, add_period, days_left
from shopkeeper.subscriptions.schemas import (
    CustomerSubscription,
    DowngradeRule,
    ExtendIn,
    GiftIn,
    PeriodRead,
    PlanChangeIn,
    PlanChangeOutcome,
    PlanChangePreview,
    PlanChangeRead,
    PlanChangeRules,
    PlanChangeRulesUpdate,
    PlanCount,
    RenewalMode,
    SubscriptionDetail,
    SubscriptionFigures,
    SubscriptionRead,
    SubscriptionStatus,
    UpgradeRule,
)
from shopkeeper.subscriptions.service.audiences import lapsed_subscriber_ids, live_subscriber_ids
from shopkeeper.subscriptions.service.changes import (
    cancel_at_period_end,
    extend,
    record_renewal_reference,
    revoke,
    undo_cancel,
)
from shopkeeper.subscriptions.service.jobs import expire_due, send_reminders
from shopkeeper.subscriptions.service.plan_changes import (
    change_plan,
    list_plan_changes,
    preview_change,
    undo_change,
)
from shopkeeper.subscriptions.service.plan_rules import (
    get_plan_change_rules,
    set_plan_change_rules,
)
from shopkeeper.subscriptions.service.purchases import gift, start_or_extend
from shopkeeper.subscriptions.service.reads import (
    get_subscription,
    has_active,
    list_customer_subscriptions,
    list_subscriptions,
)
from shopkeeper.subscriptions.service.stats import figures_version, subscription_figures

__all__ = [
    "CustomerSubscription",
    "DowngradeRule",
    "ExtendIn",
    "GiftIn",
    "NotAPlan",
    "PeriodRead",
    "PlanChangeIn",
    "PlanChangeNotFound",
    "PlanChangeOutcome",
    "PlanChangePending",
    "PlanChangePreview",
    "PlanChangeRead",
    "PlanChangeRefused",
    "PlanChangeRules",
    "PlanChangeRulesUpdate",
    "PlanCount",
    "PlanCurrencyMismatch",
    "PlanUnchanged",
    "RenewalMode",
    "SubscriptionAlreadyPastDue",
    "SubscriptionCancelScheduled",
    "SubscriptionDetail",
    "SubscriptionEnded",
    "SubscriptionFigures",
    "SubscriptionNotFound",
    "SubscriptionNotLive",
    "SubscriptionPastDue",
    "SubscriptionPlanChangeScheduled",
    "SubscriptionPlanChanged",
    "SubscriptionRead",
    "SubscriptionReminderDue",
    "SubscriptionRenewalStopped",
    "SubscriptionRenewed",
    "SubscriptionStarted",
    "SubscriptionStatus",
    "UpgradeRule",
    "add_months",
    "add_period",
    "cancel_at_period_end",
    "change_plan",
    "days_left",
    "expire_due",
    "extend",
    "figures_version",
    "get_plan_change_rules",
    "get_subscription",
    "gift",
    "has_active",
    "lapsed_subscriber_ids",
    "list_customer_subscriptions",
    "list_plan_changes",
    "list_subscriptions",
    "live_subscriber_ids",
    "preview_change",
    "record_renewal_reference",
    "revoke",
    "send_reminders",
    "set_plan_change_rules",
    "start_or_extend",
    "subscription_figures",
    "undo_cancel",
    "undo_change",
]
