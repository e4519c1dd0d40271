"""What the channels API takes and returns."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ChannelMode = Literal["invite_link", "join_request"]
DEFAULT_INVITE_TTL = 86_400  # a one-time link works for a day
_USERNAME = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")


class ChannelCreate(BaseModel):
    chat_id: int | str = Field(
        examples=[-1001234567890, "@lumen_club"],
        description="the chat's id (-100…) or its public @username",
    )
    bot_id: uuid.UUID = Field(description="the shop's bot that is an admin of the chat")
    mode: ChannelMode = "invite_link"
    title: str | None = Field(default=None, min_length=1, max_length=200)
    invite_ttl_seconds: int = Field(default=DEFAULT_INVITE_TTL, ge=60, le=30 * 86_400)
    product_ids: list[uuid.UUID] = Field(
        default_factory=list, description="plans and products that grant the chat"
    )

    @field_validator("chat_id")
    @classmethod
    def _chat_id(cls, value: int | str) -> int | str:
        if isinstance(value, int):
            if value >= 0:
                raise ValueError("a group or channel id is negative (-100…)")
            return value
        value = value.strip()
        if re.fullmatch(r"-\d+", value):
            return int(value)
        if not _USERNAME.match(value):
            raise ValueError("give the chat's id (-100…) or its @username")
        return value


class ChannelUpdate(BaseModel):
    """Only the fields given change."""

    mode: ChannelMode | None = None
    title: str | None = Field(default=None, min_length=1, max_length=200)
    invite_ttl_seconds: int | None = Field(default=None, ge=60, le=30 * 86_400)


class ChannelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    bot_id: uuid.UUID
    chat_id: int
    title: str
    type: str
    username: str | None
    mode: ChannelMode
    invite_ttl_seconds: int
    target_id: uuid.UUID
    active: bool
    rights_ok: bool
    problems: list[str]
    rights_checked_at: datetime
    created_at: datetime
    updated_at: datetime
    product_ids: list[uuid.UUID] = Field(default_factory=list)
