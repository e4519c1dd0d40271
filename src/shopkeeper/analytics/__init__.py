"""Analytics: a shop's dashboard, read from the contexts that own the facts.

Public: `dashboard(session, *, shop_id, now, locale)` → `Dashboard` (revenue today / 7 / 30
days net of refunds, MRR and live subscriptions by plan, new subscriptions per day and churn
over 30 days, payment success rate, top products, recent orders, failed webhooks, dead
events), `dashboard_version` (moves on a sale or a subscription change) and
`dashboard_events` (the same as server-sent events). Owns no tables: it asks orders,
payments, subscriptions, catalog, shops and the bus. Publishes and consumes no events.
HTTP: /api/v1/shops/{shop}/analytics/dashboard and /dashboard/stream (analytics.read).
"""

from shopkeeper.analytics.live import dashboard_events
from shopkeeper.analytics.schemas import Dashboard
from shopkeeper.analytics.service import dashboard, dashboard_version

__all__ = ["Dashboard", "dashboard", "dashboard_events", "dashboard_version"]
