"""The shop's premium figures over its last N calendar days (its time zone, today included).

- active by tier: live subscriptions now, running (trialing, active) and past due apart;
- new per day: subscriptions started each day; new today is the last day's count;
- churn: subscriptions that ended for good in the window (expired, canceled, revoked,
  refunded — not merged, not replaced by a plan change) over those live at its start;
- revenue: plan lines of orders paid in the window, fully refunded orders left out, per
  currency.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, orders, shops, subscriptions
from shopkeeper.kit.clock import count_per_day, window_start
from shopkeeper.kit.money import format_money
from shopkeeper.premium.schemas import Churn, DayCount, PremiumStatistics, Revenue, TierCount

MAX_DAYS = 366


async def premium_statistics(
    session: AsyncSession, *, shop_id: uuid.UUID, days: int, now: datetime, locale: str = "en"
) -> PremiumStatistics:
    """The figures (see the module docstring); `days` from 1 to 366."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be within 1..{MAX_DAYS}")
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    zone = ZoneInfo(shop.timezone)
    since = window_start(now, zone, days)
    figures = await subscriptions.subscription_figures(
        session, shop_id=shop_id, since=since, until=now
    )
    tiers = [await _tier(session, shop_id, plan) for plan in figures.plans]
    started = count_per_day(figures.started_at, zone, since.date(), days)
    per_day = [DayCount(date=day, count=n) for day, n in started]
    revenue = await orders.revenue_by_kind(
        session, shop_id=shop_id, kind="plan", since=since, until=now
    )
    rate = round(figures.ended / figures.live_at_start, 4) if figures.live_at_start else None
    return PremiumStatistics(
        days=days, since=since, until=now, timezone=shop.timezone,
        active_total=sum(t.active for t in tiers), active_by_tier=tiers,
        new_today=per_day[-1].count, new_in_window=len(figures.started_at), new_per_day=per_day,
        churn=Churn(ended=figures.ended, active_at_start=figures.live_at_start, rate=rate),
        revenue=[Revenue(currency=c, amount=a, formatted=format_money(a, c, locale))
                 for c, a in sorted(revenue.items())],
    )  # fmt: skip


async def _tier(
    session: AsyncSession, shop_id: uuid.UUID, plan: subscriptions.PlanCount
) -> TierCount:
    try:
        product = await catalog.get_product(session, shop_id=shop_id, product_id=plan.product_id)
        name = product.name
    except catalog.ProductNotFound:
        name = str(plan.product_id)
    return TierCount(
        product_id=plan.product_id, tier=name, active=plan.running, past_due=plan.past_due
    )
