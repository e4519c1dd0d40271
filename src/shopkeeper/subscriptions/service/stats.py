"""A shop's subscription figures for a time window (the premium statistics read these)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.kit.clock import as_utc
from shopkeeper.subscriptions.schemas import PlanCount, SubscriptionFigures
from shopkeeper.subscriptions.stats_repository import StatsRepository


async def subscription_figures(
    session: AsyncSession, *, shop_id: uuid.UUID, since: datetime, until: datetime
) -> SubscriptionFigures:
    """Live per plan now; started, and ended for good (expired, canceled, revoked, refunded),
    in [since, until]; live at `since` (churn = ended / live at the start)."""
    repo = StatsRepository(session)
    plans: dict[uuid.UUID, PlanCount] = {}
    for product_id, status, count in await repo.live_per_plan(shop_id):
        plan = plans.setdefault(product_id, PlanCount(product_id=product_id))
        if status == "past_due":
            plan.past_due += count
        else:
            plan.running += count
            plan.trialing += count if status == "trialing" else 0
    started = await repo.started_between(shop_id, since, until)
    return SubscriptionFigures(
        plans=sorted(plans.values(), key=lambda p: (-p.running, str(p.product_id))),
        started_at=sorted(as_utc(moment) for moment in started),
        ended=await repo.ended_between(shop_id, since, until),
        live_at_start=await repo.live_at(shop_id, since),
    )


async def figures_version(session: AsyncSession, *, shop_id: uuid.UUID) -> str:
    """Changes whenever a subscription of the shop does (for live dashboards to poll)."""
    count, changed = await StatsRepository(session).last_change(shop_id)
    return f"{count}:{as_utc(changed).isoformat() if changed else '-'}"
