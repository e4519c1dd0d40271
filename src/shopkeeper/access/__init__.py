"""Access: what a purchase grants and to whom — Telegram chats, Discord roles, courses, webhooks.

A grant (one per customer and target) holds while any source does: a paid one-time order
(until fully refunded), a running subscription, or staff ("manual"). Platforms apply grants
through an `AccessStrategy` (`access.ports`) given to `register_strategy(container, s)`;
"webhook" and "course" are built in; without one a grant waits as pending until
`resume_for_customer` (alias `retry_pending`) or `resume_for_platform` retries it.
Public: `create_target`, `list_targets`, `get_target(s)`, `update_target`, `deactivate_target`,
`link_product`, `unlink_product`, `targets_for_product`; `list_grants`, `get_grant`,
`customer_grants`, `has_active_grant`, `customers_with_grant`, `grant_manually`,
`revoke_manually`; `log_membership`, `list_access_log`. Publishes (on state changes only)
`access.access_granted.v1`, `access.action_required.v1`, `access.access_revoked.v1`; consumes
`orders.order_paid.v1`, `orders.order_refunded.v1`, `subscriptions.subscription_started|
renewed|ended.v1`, `subscriptions.plan_changed.v1` (the new plan's targets in, the old one's
out), `identity.customers_merged.v1` (grants follow the survivor).
HTTP: /api/v1/shops/{shop}/access/… (access.read / access.write; audited).
"""

from shopkeeper.access.errors import (
    GrantNotFound,
    GrantStillSourced,
    InvalidLogAction,
    TargetInactive,
    TargetNotFound,
    TargetTaken,
)
from shopkeeper.access.events import AccessActionRequired, AccessGranted, AccessRevoked
from shopkeeper.access.ports import AccessStrategy, AccessTarget, GrantOutcome, GrantRequest
from shopkeeper.access.schemas import (
    AccessLogFilter,
    AccessLogRead,
    CustomerGrant,
    GrantFilter,
    GrantRead,
    GrantStateName,
    LogAction,
    ManualGrant,
    ManualRevoke,
    Platform,
    TargetCreate,
    TargetRead,
    TargetUpdate,
)
from shopkeeper.access.service.grants import (
    get_grant,
    grant_manually,
    resume_for_customer,
    resume_for_platform,
    revoke_manually,
)
from shopkeeper.access.service.reads import (
    customer_grants,
    customers_with_grant,
    has_active_grant,
    list_access_log,
    list_grants,
    log_membership,
)
from shopkeeper.access.service.targets import (
    create_target,
    deactivate_target,
    get_target,
    get_targets,
    link_product,
    list_targets,
    targets_for_product,
    unlink_product,
    update_target,
)
from shopkeeper.access.strategies import register_strategy

retry_pending = resume_for_customer  # the name the adapters' briefs first gave it

__all__ = [
    "AccessActionRequired",
    "AccessGranted",
    "AccessLogFilter",
    "AccessLogRead",
    "AccessRevoked",
    "AccessStrategy",
    "AccessTarget",
    "CustomerGrant",
    "GrantFilter",
    "GrantNotFound",
    "GrantOutcome",
    "GrantRead",
    "GrantRequest",
    "GrantStateName",
    "GrantStillSourced",
    "InvalidLogAction",
    "LogAction",
    "ManualGrant",
    "ManualRevoke",
    "Platform",
    "TargetCreate",
    "TargetInactive",
    "TargetNotFound",
    "TargetRead",
    "TargetTaken",
    "TargetUpdate",
    "create_target",
    "customer_grants",
    "customers_with_grant",
    "deactivate_target",
    "get_grant",
    "get_target",
    "get_targets",
    "grant_manually",
    "has_active_grant",
    "link_product",
    "list_access_log",
    "list_grants",
    "list_targets",
    "log_membership",
    "register_strategy",
    "resume_for_customer",
    "resume_for_platform",
    "retry_pending",
    "revoke_manually",
    "targets_for_product",
    "unlink_product",
    "update_target",
]
