"""Shapes of the audit log: who acted, one entry, and the filters of a listing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ActorType(StrEnum):
    USER = "user"
    API_KEY = "api_key"
    SYSTEM = "system"


class Actor(BaseModel):
    """Who did it, from where: a staff user, an API key or the system."""

    model_config = ConfigDict(frozen=True)

    type: ActorType
    id: uuid.UUID | None = None
    label: str
    ip: str | None = None
    correlation_id: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(type=ActorType.SYSTEM, label=label)


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID | None
    actor_type: str
    actor_id: uuid.UUID | None
    actor_label: str
    action: str
    target_type: str
    target_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    correlation_id: str | None
    created_at: datetime


class AuditFilter(BaseModel):
    """Every field narrows the listing; `actor` matches the actor id or its label (email)."""

    action: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=320)
    target_type: str | None = Field(default=None, max_length=64)
    since: datetime | None = None
    until: datetime | None = None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A time given without an offset is taken as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("time out of range") from None
