"""The dashboard's figures, asked of each context in turn (read-only, one session).

Windows are the shop's calendar days in its time zone, today included. Revenue is what orders
paid in the window brought, net of their refunds so far, per currency. MRR counts the paying
live subscriptions (active, not trialing, not past due) at their plan's price in the shop's
currency, brought to a month (a year is 1/12, a week 52/12 of it, a day 365/12; a period of
N units divides by N; rounded half up).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, catalog, orders, payments, shops, subscriptions
from shopkeeper.analytics.schemas import (
    ChurnFigure,
    Dashboard,
    DayFigure,
    Money,
    PlanFigure,
    RecentOrder,
    RevenueWindow,
    TopProduct,
)
from shopkeeper.kit.clock import count_per_day, window_start
from shopkeeper.kit.money import format_money, round_half_up

WINDOWS = (1, 7, 30)
TREND_DAYS = 30
TOP = 5
RECENT = 8
MONTHS_PER_UNIT = {
    catalog.PeriodUnit.DAY: Decimal(365) / 12,
    catalog.PeriodUnit.WEEK: Decimal(52) / 12,
    catalog.PeriodUnit.MONTH: Decimal(1),
    catalog.PeriodUnit.YEAR: Decimal(1) / 12,
}


async def dashboard(
    session: AsyncSession, *, shop_id: uuid.UUID, now: datetime, locale: str = "en"
) -> Dashboard:
    """The shop's figures now (see the module docstring)."""
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    zone = ZoneInfo(shop.timezone)
    month = window_start(now, zone, TREND_DAYS)
    figures = await subscriptions.subscription_figures(
        session, shop_id=shop_id, since=month, until=now
    )
    plans = await _plans(session, shop, figures.plans, locale)
    failed, problems = await payments.webhook_problems(session, shop_id=shop_id, since=month)
    started = count_per_day(figures.started_at, zone, month.date(), TREND_DAYS)
    live = figures.live_at_start
    return Dashboard(
        shop_id=shop_id, timezone=shop.timezone, generated_at=now,
        revenue=[await _revenue(session, shop_id, now, zone, days, locale) for days in WINDOWS],
        mrr=_sum_money([plan.mrr for plan in plans if plan.mrr], locale),
        active_subscriptions=sum(plan.active for plan in plans), plans=plans,
        new_subscriptions_per_day=[DayFigure(date=day, count=n) for day, n in started],
        churn=ChurnFigure(ended=figures.ended, live_at_start=live,
                          rate=round(figures.ended / live, 4) if live else None),
        payments=await payments.payment_outcomes(session, shop_id=shop_id, since=month,
                                                 until=now),
        top_products=await _top(session, shop_id, month, now, locale),
        recent_orders=await _recent(session, shop_id, locale),
        failed_webhooks=failed, webhook_problems=problems,
        dead_events=await bus.dead_count(session, shop_id=shop_id),
    )  # fmt: skip


async def dashboard_version(session: AsyncSession, *, shop_id: uuid.UUID) -> str:
    """Moves when an order is paid or a subscription changes (live dashboards poll it)."""
    paid = await orders.sales_version(session, shop_id=shop_id)
    return paid + "|" + await subscriptions.figures_version(session, shop_id=shop_id)


def _money(amount: int, currency: str, locale: str) -> Money:
    return Money(currency=currency, amount=amount, formatted=format_money(amount, currency, locale))


def _sum_money(amounts: list[Money], locale: str) -> list[Money]:
    totals: dict[str, int] = {}
    for money in amounts:
        totals[money.currency] = totals.get(money.currency, 0) + money.amount
    return [_money(amount, currency, locale) for currency, amount in sorted(totals.items())]


async def _revenue(
    session: AsyncSession, shop_id: uuid.UUID, now: datetime, zone: ZoneInfo, days: int,
    locale: str,
) -> RevenueWindow:  # fmt: skip
    since = window_start(now, zone, days)
    sales = await orders.sales_by_currency(session, shop_id=shop_id, since=since, until=now)
    return RevenueWindow(
        days=days, since=since, orders=sum(s.orders for s in sales),
        net=[_money(s.net, s.currency, locale) for s in sales],
        refunded=[_money(s.refunded, s.currency, locale) for s in sales if s.refunded],
    )  # fmt: skip


async def _plans(
    session: AsyncSession, shop: shops.ShopRead, counts: list[subscriptions.PlanCount],
    locale: str,
) -> list[PlanFigure]:  # fmt: skip
    products = await catalog.get_products(
        session, shop_id=shop.id, product_ids=[count.product_id for count in counts]
    )
    figures = []
    for count in counts:
        product = products.get(count.product_id)
        paying = count.running - count.trialing
        monthly = _monthly_price(product, shop.currency) if product else None
        figures.append(PlanFigure(
            product_id=count.product_id, name=product.name if product else str(count.product_id),
            active=count.running, trialing=count.trialing, past_due=count.past_due,
            mrr=_money(monthly * paying, shop.currency, locale) if monthly is not None else None,
        ))  # fmt: skip
    return figures


def _monthly_price(product: catalog.ProductRead, currency: str) -> int | None:
    """The plan's price in `currency` brought to one month (None: no such price or no plan)."""
    if product.plan is None or not product.variants:
        return None
    price = next((p.amount for p in product.variants[0].prices if p.currency == currency), None)
    if price is None:
        return None
    per_month = MONTHS_PER_UNIT[product.plan.period_unit] / product.plan.period_count
    return round_half_up(Decimal(price) * per_month)


async def _top(
    session: AsyncSession, shop_id: uuid.UUID, since: datetime, now: datetime, locale: str
) -> list[TopProduct]:
    best = await orders.top_products(session, shop_id=shop_id, since=since, until=now, limit=TOP)
    return [
        TopProduct(product_id=p.product_id, name=p.name, units=p.units,
                   amount=_money(p.amount, p.currency, locale))
        for p in best
    ]  # fmt: skip


async def _recent(session: AsyncSession, shop_id: uuid.UUID, locale: str) -> list[RecentOrder]:
    page = await orders.list_orders(session, shop_id=shop_id, limit=RECENT)
    return [
        RecentOrder(id=o.id, number=o.number, state=o.state.value, created_at=o.created_at,
                    total=_money(o.total, o.currency, locale))
        for o in page.items
    ]  # fmt: skip
