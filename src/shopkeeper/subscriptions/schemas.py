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
