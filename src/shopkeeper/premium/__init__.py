"""Premium: the seed's premium service over subscriptions, keyed by a Discord member's id.

A member is the shop's customer who linked the Discord account (identity kind "discord");
their premium is their main live subscription (a plan product is a tier).
Public: `premium_status(session, *, shop_id, discord_id, now)` (tier, status, ends_at, days
left; nothing created by asking), `activate` (a staff gift of N days), `change_tier`
(subscriptions.change_plan by the shop's rules), `cancel` (at period end or now),
`premium_statistics(session, *, shop_id, days, now)` (active by tier, new per day, churn,
revenue) and `figure_events` (the same as server-sent events, for live dashboards).
Publishes and consumes no events: the subscriptions and access contexts do the work.
HTTP: /api/v1/shops/{shop}/premium/status/{discord_id}, /activate, /upgrade, /cancel,
/statistics, /statistics/stream (subscriptions.read / subscriptions.write).
"""

from shopkeeper.premium.errors import NoPremium, PremiumMemberNotFound
from shopkeeper.premium.live import SSE_HEADERS, figure_events
from shopkeeper.premium.schemas import (
    ActivateIn,
    CancelIn,
    PremiumStatistics,
    PremiumStatus,
    UpgradeIn,
)
from shopkeeper.premium.service.members import activate, cancel, change_tier, premium_status
from shopkeeper.premium.service.statistics import premium_statistics

__all__ = [
    "SSE_HEADERS",
    "ActivateIn",
    "CancelIn",
    "NoPremium",
    "PremiumMemberNotFound",
    "PremiumStatistics",
    "PremiumStatus",
    "UpgradeIn",
    "activate",
    "cancel",
    "change_tier",
    "figure_events",
    "premium_statistics",
    "premium_status",
]
