"""Shapes of the dashboard: figures over windows of the shop's calendar days."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel

from shopkeeper.payments import PaymentOutcomes, WebhookProblem


class Money(BaseModel):
    currency: str
    amount: int  # minor units
    formatted: str  # in the asked locale


class RevenueWindow(BaseModel):
    """Orders paid in the last `days` calendar days (today included): net of refunds."""

    days: int
    since: datetime
    orders: int
    net: list[Money]
    refunded: list[Money]


class PlanFigure(BaseModel):
    """One plan's live subscriptions; MRR counts the paying ones (not trialing, not past due)."""

    product_id: uuid.UUID
    name: str
    active: int  # trialing or active
    trialing: int
    past_due: int
    mrr: Money | None  # None when the plan has no price in the shop's currency


class DayFigure(BaseModel):
    date: date
    count: int


class ChurnFigure(BaseModel):
    """Subscriptions that ended for good in the window over those live at its start."""

    ended: int
    live_at_start: int
    rate: float | None


class TopProduct(BaseModel):
    product_id: uuid.UUID
    name: str
    units: int
    amount: Money


class RecentOrder(BaseModel):
    id: uuid.UUID
    number: str
    state: str
    total: Money
    created_at: datetime


class Dashboard(BaseModel):
    """A shop's figures now; the windows are its last 1, 7 and 30 calendar days."""

    shop_id: uuid.UUID
    timezone: str
    generated_at: datetime
    revenue: list[RevenueWindow]
    mrr: list[Money]
    active_subscriptions: int
    plans: list[PlanFigure]
    new_subscriptions_per_day: list[DayFigure]  # the last 30 days
    churn: ChurnFigure  # the last 30 days
    payments: PaymentOutcomes  # payments started in the last 30 days
    top_products: list[TopProduct]  # the last 30 days
    recent_orders: list[RecentOrder]
    failed_webhooks: int  # failed or rejected in the last 30 days
    webhook_problems: list[WebhookProblem]  # the latest of them
    dead_events: int  # deliveries of the shop's events given up on
