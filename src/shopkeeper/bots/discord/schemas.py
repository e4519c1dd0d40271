"""What the Discord adapter's API takes and returns (tokens and secrets never come back)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RevokeMode = Literal["remove_role", "kick"]


class ConnectionCreate(BaseModel):
    application_id: str = Field(pattern=r"^\d{15,21}$")
    public_key: str = Field(
        pattern=r"^[0-9a-fA-F]{64}$",
        description="Developer Portal → General Information → Public Key",
    )
    bot_token: str = Field(min_length=20, max_length=128)
    client_secret: str | None = Field(
        default=None,
        min_length=8,
        max_length=128,
        description="OAuth2 client secret (for Discord sign-in)",
    )
    guild_id: str = Field(pattern=r"^\d{15,21}$")
    revoke_mode: RevokeMode = "remove_role"


class ConnectionUpdate(BaseModel):
    """Only what is given changes; a new token or guild is verified with Discord first."""

    public_key: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{64}$")
    bot_token: str | None = Field(default=None, min_length=20, max_length=128)
    client_secret: str | None = Field(default=None, min_length=8, max_length=128)
    guild_id: str | None = Field(default=None, pattern=r"^\d{15,21}$")
    revoke_mode: RevokeMode | None = None


class ConnectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    application_id: str
    public_key: str
    bot_user_id: str
    bot_username: str
    token_mask: str
    client_secret_mask: str
    guild_id: str
    guild_name: str
    revoke_mode: RevokeMode
    active: bool
    interactions_url: str = ""
    commands_registered_at: datetime | None = None
    commands_error: str = ""
    created_at: datetime
    updated_at: datetime


class RoleMap(BaseModel):
    """Buying `product_id` (a plan or product) gives `role_id` of the connected guild."""

    product_id: uuid.UUID
    role_id: str = Field(pattern=r"^\d{15,21}$")


class RoleMappingRead(BaseModel):
    role_id: str
    name: str
    guild_id: str
    target_id: uuid.UUID
    product_ids: list[uuid.UUID]
    active: bool
    manageable: bool
    problem: str
    checked_at: datetime


class RoleCheck(BaseModel):
    """Whether the bot can give and take the role, and exactly what to change when not."""

    role_id: str
    name: str
    ok: bool
    problem: str = ""


class GuildRoleRead(BaseModel):
    id: str
    name: str
    position: int
    managed: bool
    manageable: bool
    problem: str = ""


class DiscordAccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    discord_user_id: str
    customer_id: uuid.UUID
    username: str
    global_name: str | None
    locale: str | None
    scopes: str
    expires_at: datetime | None
