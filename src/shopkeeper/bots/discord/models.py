"""Tables of the Discord adapter: a shop's connection, its mapped roles, customers' accounts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class DiscordConnection(Base):
    """A shop's Discord application and guild; the bot token and client secret encrypted."""

    __tablename__ = "discord_connection"
    __table_args__ = (
        # One live connection per application across every shop (one interactions URL).
        Index(
            "uq_discord_connection_active_application_id",
            "application_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), unique=True
    )
    application_id: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(64))  # hex Ed25519 verify key
    bot_user_id: Mapped[str] = mapped_column(String(32))
    bot_username: Mapped[str] = mapped_column(String(64))
    token_encrypted: Mapped[str] = mapped_column(Text)  # "" once disconnected
    token_mask: Mapped[str] = mapped_column(String(64))
    client_secret_encrypted: Mapped[str] = mapped_column(Text, default="")
    client_secret_mask: Mapped[str] = mapped_column(String(32), default="")
    guild_id: Mapped[str] = mapped_column(String(32))
    guild_name: Mapped[str] = mapped_column(String(100))
    revoke_mode: Mapped[str] = mapped_column(String(16))  # "remove_role" | "kick"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    commands_registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    commands_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DiscordRole(Base):
    """A guild role the shop grants: the access target it is, and the last hierarchy check."""

    __tablename__ = "discord_role"
    __table_args__ = (UniqueConstraint("shop_id", "guild_id", "role_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    target_id: Mapped[uuid.UUID] = mapped_column(unique=True)  # access's target (a column)
    guild_id: Mapped[str] = mapped_column(String(32))
    role_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    manageable: Mapped[bool] = mapped_column(Boolean, default=True)
    problem: Mapped[str] = mapped_column(String(300), default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DiscordAccount(Base):
    """A customer's Discord account in a shop, with the OAuth2 tokens they gave (encrypted)."""

    __tablename__ = "discord_account"
    __table_args__ = (
        UniqueConstraint("shop_id", "discord_user_id"),
        Index("ix_discord_account_shop_customer", "shop_id", "customer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    discord_user_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID]  # identity's customer: a column, not a relationship
    username: Mapped[str] = mapped_column(String(64))
    global_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    locale: Mapped[str | None] = mapped_column(String(16), nullable=True)
    access_token_encrypted: Mapped[str] = mapped_column(Text, default="")
    refresh_token_encrypted: Mapped[str] = mapped_column(Text, default="")
    scopes: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
