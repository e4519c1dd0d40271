"""Pydantic shapes of the identity context: what its public functions return and accept."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class StaffUserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    is_superuser: bool
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None = None


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=320)  # any string: an unknown one is a 401
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class LogoutRequest(BaseModel):
    refresh_token: str | None = Field(default=None, min_length=1, max_length=512)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_in: int = Field(description="Seconds until the access token expires")


class WebSessionRead(BaseModel):
    id: uuid.UUID
    user: StaffUserRead
    csrf_token: str
    created_at: datetime
    expires_at: datetime


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    permissions: list[str] = Field(min_length=1, max_length=64)


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str]
    created_by_id: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The secret key; shown once, only in this response")


class ApiKeyPrincipal(BaseModel):
    """A caller authenticated by an API key: one shop, the key's permissions."""

    id: uuid.UUID
    shop_id: uuid.UUID
    name: str
    prefix: str
    permissions: frozenset[str]
    # True when last_used_at is older than the refresh interval and was not refreshed.
    touch_due: bool = False


class IdentityKind(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    EMAIL = "email"
    PHONE = "phone"


class CustomerIdentityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: IdentityKind
    value: str
    created_at: datetime


class CustomerRead(BaseModel):
    id: uuid.UUID
    shop_id: uuid.UUID
    display_name: str
    language: str | None
    merged_into_id: uuid.UUID | None
    identities: list[CustomerIdentityRead]
    tags: list[str] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class CustomerTagsRead(BaseModel):
    """A customer's tags, sorted."""

    customer_id: uuid.UUID
    tags: list[str]


class TagUsage(BaseModel):
    """A tag in use in a shop and how many customers carry it."""

    tag: str
    customers: int


class CustomerNoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=2000)


class CustomerNoteRead(BaseModel):
    """What a staff member wrote down about a customer, and who."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    customer_id: uuid.UUID
    author_label: str
    body: str
    created_at: datetime
