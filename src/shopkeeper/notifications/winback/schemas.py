"""Shapes of win-back chains: the steps a shop configures and what was scheduled."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shopkeeper.notifications.templates import PURPOSES

MAX_STEPS = 10
MAX_DAY = 365


class WinbackPromo(BaseModel):
    """A single-use percent-off code created when the step is sent, valid `valid_days`."""

    percent_off_bp: int = Field(ge=1, le=10_000, description="basis points: 2000 = 20 %")
    valid_days: int = Field(ge=1, le=MAX_DAY)


class WinbackStep(BaseModel):
    day: int = Field(ge=0, le=MAX_DAY, description="days after the subscription expired")
    purpose: str = Field(default="winback.step", examples=["winback.step", "winback.offer"])
    promo: WinbackPromo | None = None

    @field_validator("purpose")
    @classmethod
    def _known_template(cls, value: str) -> str:
        if not value.startswith("winback.") or value not in PURPOSES:
            known = ", ".join(sorted(p for p in PURPOSES if p.startswith("winback.")))
            raise ValueError(f"unknown win-back template {value!r}; use one of {known}")
        return value


class WinbackChainWrite(BaseModel):
    enabled: bool = True
    steps: list[WinbackStep] = Field(max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _increasing_days(self) -> Self:
        days = [s.day for s in self.steps]
        if days != sorted(set(days)):
            raise ValueError("step days must be distinct and in increasing order")
        return self


class WinbackChainRead(WinbackChainWrite):
    updated_at: datetime | None = None


class WinbackSendRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    subscription_id: uuid.UUID
    step: int
    day: int
    purpose: str
    due_at: datetime
    status: str
    promo_code: str | None
    finished_at: datetime | None
