"""Schemas of the notifications context."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID | None  # None: an alert to staff (`user_id`)
    user_id: uuid.UUID | None = None
    channel: str
    purpose: str
    language: str
    body: str
    status: str
    error: str
    created_at: datetime
    sent_at: datetime | None


class TemplateRead(BaseModel):
    purpose: str
    language: str
    variables: list[str]
    default: str
    override: str | None


class TemplateWrite(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


class TemplatePreview(BaseModel):
    purpose: str
    body: str = Field(min_length=1, max_length=4000)


class PreviewRead(BaseModel):
    text: str
