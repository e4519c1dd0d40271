"""Shapes of the subscriptions context: a subscription, its history, staff requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"  # the period ended; access continues until grace_until
    CANCELED = "canceled"  # ended by a decision: cancel at period end, revoke, refund, merge
    EXPIRED = "expired"  # ran out (after its grace)


class RenewalMode(StrEnum):
    MANUAL = "manual"  # the customer pays again when reminded
    AUTO = "auto"  # payments charges `renewal_reference` (a gateway subscription or method)


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    product_id: uuid.UUID
    status: SubscriptionStatus
    started_at: datetime
    period_end: datetime
    trial_end: datetime | None
    grace_until: datetime | None
    cancel_at_period_end: bool
    cancel_requested_at: datetime | None
    ended_at: datetime | None
    ended_reason: str | None
    renewal: RenewalMode
    renewal_provider: str | None
    renewal_reference: str | None
    pending_product_id: uuid.UUID | None = None  # a plan change scheduled for `pending_from`
    pending_from: datetime | None = None
    created_at: datetime
    updated_at: datetime


class PeriodRead(BaseModel):
    """One move of the end: `kind` payment | gift | extension | refund."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    order_id: uuid.UUID | None
    periods: int | None
    days: int | None
    previous_end: datetime | None
    new_end: datetime
    actor_label: str | None
    created_at: datetime


class SubscriptionDetail(SubscriptionRead):
    history: list[PeriodRead]


class CustomerSubscription(BaseModel):
    """What a customer sees of one subscription (the bot's /status)."""

    id: uuid.UUID
    product_id: uuid.UUID
    plan_title: str
    status: SubscriptionStatus
    period_end: datetime
    days_left: int
    trial_end: datetime | None
    grace_until: datetime | None
    cancel_at_period_end: bool
    pending_product_id: uuid.UUID | None = None
    pending_from: datetime | None = None


class ExtendIn(BaseModel):
    days: int = Field(ge=1, le=3650)


class GiftIn(BaseModel):
    """Give (or lengthen) a plan without payment: `days`, or `periods` of the plan."""

    customer_id: uuid.UUID
    product_id: uuid.UUID
    days: int | None = Field(default=None, ge=1, le=3650)
    periods: int | None = Field(default=None, ge=1, le=120)

    @model_validator(mode="after")
    def _one_length(self) -> Self:
        if (self.days is None) == (self.periods is None):
            raise ValueError("give exactly one of days or periods")
        return self


class UpgradeRule(StrEnum):
    IMMEDIATE_PRORATED = "immediate_prorated"  # now; the difference for the remaining time
    AT_PERIOD_END = "at_period_end"


class DowngradeRule(StrEnum):
    AT_PERIOD_END = "at_period_end"
    IMMEDIATE = "immediate"  # now, nothing refunded


class PlanChangeRules(BaseModel):
    """A shop's rules: when an upgrade and when a downgrade take effect."""

    upgrade: UpgradeRule = UpgradeRule.IMMEDIATE_PRORATED
    downgrade: DowngradeRule = DowngradeRule.AT_PERIOD_END


class PlanChangeRulesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upgrade: UpgradeRule | None = None
    downgrade: DowngradeRule | None = None


class PlanChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: uuid.UUID


class PlanChangePreview(BaseModel):
    """What a change would do: upgrade or downgrade, when, and what it costs now.

    `credit`, `cost` and `charge` are minor units of `currency`; all three are 0 when
    nothing is paid now (a change at period end, an immediate downgrade).
    """

    subscription_id: uuid.UUID
    from_product_id: uuid.UUID
    to_product_id: uuid.UUID
    direction: str  # upgrade | downgrade
    timing: str  # now | period_end
    effective_at: datetime
    period_end: datetime
    currency: str
    credit: int
    cost: int
    charge: int
    payment_required: bool


class PlanChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subscription_id: uuid.UUID
    from_product_id: uuid.UUID
    to_product_id: uuid.UUID
    direction: str
    timing: str
    status: str  # awaiting_payment | scheduled | applied | canceled
    order_id: uuid.UUID | None
    currency: str
    credit: int
    charge: int
    cancel_reason: str | None
    created_at: datetime
    applied_at: datetime | None


class PlanChangeOutcome(BaseModel):
    """The change made and the subscription after it (pay `change.order_id` when set and
    awaiting payment)."""

    change: PlanChangeRead
    subscription: SubscriptionRead


class PlanCount(BaseModel):
    """Live subscriptions of one plan: running (trialing or active) and past due; of the
    running, how many are still in their trial (they pay nothing yet)."""

    product_id: uuid.UUID
    running: int = 0
    past_due: int = 0
    trialing: int = 0


class SubscriptionFigures(BaseModel):
    plans: list[PlanCount]
    started_at: list[datetime]  # subscriptions started in the window
    ended: int  # ended in the window for good (not merged, not replaced by a plan change)
    live_at_start: int
