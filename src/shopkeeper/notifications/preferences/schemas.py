"""Shapes of a customer's notification preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Channel = Literal["telegram", "discord", "email", "sms"]
CHANNELS: tuple[Channel, ...] = ("telegram", "discord", "email", "sms")
OptOutSource = Literal["bot", "email_link", "staff", "api"]


class ChannelPreference(BaseModel):
    channel: Channel
    opted_out: bool
    opted_out_at: datetime | None = None
    source: OptOutSource | None = None  # how they opted out


class PreferencesRead(BaseModel):
    customer_id: uuid.UUID
    channels: list[ChannelPreference]


class PreferencesWrite(BaseModel):
    """Channels to change: `true` opts the customer out, `false` back in; others stay."""

    opted_out: dict[Channel, bool] = Field(min_length=1, examples=[{"email": True}])


class UnsubscribeTarget(BaseModel):
    """What an unsubscribe link is about: shown on its confirmation page."""

    shop_name: str
    customer_id: uuid.UUID
    channel: Channel
    opted_out: bool
