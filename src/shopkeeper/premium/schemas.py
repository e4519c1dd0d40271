"""Shapes of the premium API: a member's standing, staff requests, the shop's figures."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.subscriptions import CustomerSubscription

DiscordId = str  # a Discord user id ("snowflake"), digits only; checked by identity


class PremiumStatus(BaseModel):
    """A Discord member's premium: the tier they hold now (their main live subscription)."""

    discord_id: str
    customer_id: uuid.UUID | None
    premium: bool  # trialing, active, or past due within grace
    tier: str | None
    product_id: uuid.UUID | None
    status: str | None
    ends_at: datetime | None
    days_left: int
    cancel_at_period_end: bool
    pending_product_id: uuid.UUID | None
    pending_from: datetime | None
    subscriptions: list[CustomerSubscription]


class ActivateIn(BaseModel):
    """Give a member `days` of a tier without payment (a staff gift)."""

    model_config = ConfigDict(extra="forbid")

    discord_id: DiscordId = Field(min_length=1, max_length=20)
    product_id: uuid.UUID
    days: int = Field(ge=1, le=3650)


class UpgradeIn(BaseModel):
    """Move the member's premium to another tier (an upgrade or a downgrade, by shop rules)."""

    model_config = ConfigDict(extra="forbid")

    discord_id: DiscordId = Field(min_length=1, max_length=20)
    product_id: uuid.UUID


class CancelIn(BaseModel):
    """End the member's premium at its period end (default), or now."""

    model_config = ConfigDict(extra="forbid")

    discord_id: DiscordId = Field(min_length=1, max_length=20)
    at_period_end: bool = True


class TierCount(BaseModel):
    product_id: uuid.UUID
    tier: str
    active: int  # trialing or active
    past_due: int  # within grace


class DayCount(BaseModel):
    date: date
    count: int


class Churn(BaseModel):
    """Subscriptions ended for good in the window over those live at its start."""

    ended: int
    active_at_start: int
    rate: float | None  # None when nobody was active at the start


class Revenue(BaseModel):
    currency: str
    amount: int  # minor units
    formatted: str


class PremiumStatistics(BaseModel):
    """Figures over the last `days` calendar days of the shop's time zone (today included)."""

    days: int
    since: datetime
    until: datetime
    timezone: str
    active_total: int
    active_by_tier: list[TierCount]
    new_today: int
    new_in_window: int
    new_per_day: list[DayCount]
    churn: Churn
    revenue: list[Revenue]  # paid orders' plan lines, fully refunded orders left out
