"""What the Telegram adapter's API takes and returns (the token never comes back)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BotMode = Literal["webhook", "polling"]


class BotConnect(BaseModel):
    token: str = Field(min_length=1, max_length=128, description="The token @BotFather gave")


class WebhookState(BaseModel):
    """What Telegram reports of the bot's webhook (getWebhookInfo)."""

    url: str
    expected_url: str
    pending_update_count: int
    last_error_at: datetime | None = None
    last_error_message: str | None = None

    @property
    def matches(self) -> bool:
        return self.url == self.expected_url


class BotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    telegram_bot_id: int
    username: str
    first_name: str
    token_mask: str
    mode: BotMode
    active: bool
    created_at: datetime
    disconnected_at: datetime | None = None


class BotDetail(BotRead):
    """One bot with its live webhook state (webhook mode), or why it could not be read."""

    webhook: WebhookState | None = None
    webhook_error: str | None = None


class TextRead(BaseModel):
    """One bot text: the default wording, the shop's overrides, the placeholders it takes."""

    key: str
    defaults: dict[str, str]
    overrides: dict[str, str]
    placeholders: list[str]


class TextPut(BaseModel):
    key: str = Field(min_length=1, max_length=64)
    language: Literal["en", "ru", "pl"]
    text: str | None = Field(
        default=None, max_length=4096, description="null or empty: back to the default"
    )


class TelegramUserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    bot_id: uuid.UUID
    telegram_user_id: int
    customer_id: uuid.UUID
    first_name: str
    last_name: str | None
    username: str | None
    language: str | None
    telegram_language: str | None
    referral_source: str | None
    pending_promo_code: str | None
    pending_plan: str | None
    blocked_at: datetime | None
    started_at: datetime | None
    last_seen_at: datetime


class Recipient(BaseModel):
    """Where to reach a customer on Telegram: which bot, which chat, in which language."""

    bot_id: uuid.UUID
    chat_id: int
    language: str
