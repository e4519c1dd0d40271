"""Shapes of the access context: targets, grants with their sources, log entries, filters."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_SETTINGS_BYTES = 8_000


class Platform(StrEnum):
    TELEGRAM_CHAT = "telegram_chat"
    DISCORD_ROLE = "discord_role"
    COURSE = "course"
    WEBHOOK = "webhook"


class GrantStateName(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    ACTION_REQUIRED = "action_required"
    REVOKED = "revoked"


class SourceType(StrEnum):
    ORDER = "order"
    SUBSCRIPTION = "subscription"
    MANUAL = "manual"


class LogAction(StrEnum):
    GRANT = "grant"
    PENDING = "pending"
    ACTION_REQUIRED = "action_required"
    REVOKE = "revoke"
    JOIN = "join"
    LEAVE = "leave"
    REMOVAL = "removal"
    APPROVE = "approve"
    DECLINE = "decline"


# What a platform adapter records through `log_membership` (the rest the grants write).
MEMBERSHIP_ACTIONS = frozenset(
    {LogAction.JOIN, LogAction.LEAVE, LogAction.REMOVAL, LogAction.APPROVE, LogAction.DECLINE}
)


def _small_settings(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, default=str)) > MAX_SETTINGS_BYTES:
        raise ValueError(f"settings must stay under {MAX_SETTINGS_BYTES} bytes of JSON")
    return value


class TargetCreate(BaseModel):
    platform: Platform
    external_id: str = Field(
        min_length=1, max_length=128, examples=["-1001234567890"],
        description="chat id, role id, course id or your own key (webhook)",
    )  # fmt: skip
    title: str = Field(min_length=1, max_length=200)
    settings: dict[str, Any] = Field(default_factory=dict)

    @field_validator("external_id", "title")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _small_settings(value)


class TargetUpdate(BaseModel):
    """Only the fields given change; platform and external id are fixed once created."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, Any] | None = None
    active: bool | None = None

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _small_settings(value)


class TargetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    platform: str
    external_id: str
    title: str
    settings: dict[str, Any]
    active: bool
    product_ids: list[uuid.UUID] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source_type: str
    source_id: uuid.UUID
    active: bool
    created_at: datetime
    updated_at: datetime


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    target_id: uuid.UUID
    state: GrantStateName
    join_url: str | None
    reason: str
    granted_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sources: list[SourceRead] = Field(default_factory=list)


class CustomerGrant(BaseModel):
    """One line of a customer's "my channels": what, where, and how to get in."""

    grant_id: uuid.UUID
    target_id: uuid.UUID
    platform: str
    external_id: str
    title: str
    state: GrantStateName
    join_url: str | None
    reason: str
    granted_at: datetime | None


class GrantFilter(BaseModel):
    customer_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = None
    state: GrantStateName | None = None


class ManualGrant(BaseModel):
    customer_id: uuid.UUID
    target_id: uuid.UUID
    note: str = Field(default="", max_length=200)


class ManualRevoke(BaseModel):
    reason: str = Field(default="revoked by staff", min_length=1, max_length=200)
    force: bool = Field(
        default=False,
        description="also end the order and subscription sources (else 409 while they grant)",
    )


class AccessLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID | None
    target_id: uuid.UUID
    grant_id: uuid.UUID | None
    action: str
    detail: str
    at: datetime


class AccessLogFilter(BaseModel):
    customer_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = None
    action: LogAction | None = None
