"""Tables of the shop's Telegram chats: registered channels and the members the bot has seen."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class TelegramChat(Base):
    """A channel or group whose access a shop sells through one of its bots.

    The access target (platform "telegram_chat") is what products grant; this row remembers
    the chat as Telegram describes it and whether the bot still has the rights it needs.
    """

    __tablename__ = "telegram_chat"
    __table_args__ = (
        UniqueConstraint("shop_id", "chat_id"),
        UniqueConstraint("target_id"),
        Index("ix_telegram_chat_bot_chat", "bot_id", "chat_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("telegram_bot.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))  # "channel" | "supergroup" | "group"
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mode: Mapped[str] = mapped_column(String(16))  # "invite_link" | "join_request"
    invite_ttl_seconds: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[uuid.UUID]  # access's target: a column, not a relationship
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    rights_ok: Mapped[bool] = mapped_column(Boolean)
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rights_checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TelegramChatMember(Base):
    """Someone the bot has seen in a registered chat (chat_member updates, approvals)."""

    __tablename__ = "telegram_chat_member"
    __table_args__ = (
        UniqueConstraint("channel_id", "telegram_user_id"),
        Index("ix_telegram_chat_member_shop_customer", "shop_id", "customer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    channel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("telegram_chat.id", ondelete="CASCADE")
    )
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))  # Telegram's ChatMember status
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
