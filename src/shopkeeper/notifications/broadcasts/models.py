"""Tables of broadcasts: one message to an audience, who it goes to (a snapshot), and the
shop's saved audiences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id

STATUSES = ("draft", "scheduled", "sending", "paused", "completed", "cancelled", "failed")
RECIPIENT_STATUSES = ("pending", "claimed", "sent", "failed", "unreachable", "skipped")


class Broadcast(Base):
    """A message (Telegram HTML, an optional image, link buttons) to an audience of a bot.

    `total/sent/failed/unreachable` move in the transaction that records each batch, so the
    progress read from this row always agrees with the recipients.
    """

    __tablename__ = "notifications_broadcast"
    __table_args__ = (
        Index("ix_notifications_broadcast_shop_created", "shop_id", "created_at"),
        Index("ix_notifications_broadcast_status_scheduled", "status", "scheduled_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    bot_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)  # a Telegram bot (adapter)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    text: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    audience: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid: Mapped[bool] = mapped_column(Boolean, default=False)  # allow_paid_broadcast
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    unreachable: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BroadcastRecipient(Base):
    """One person a broadcast goes to; claimed with a lease by the worker sending it."""

    __tablename__ = "notifications_broadcast_recipient"
    __table_args__ = (
        Index("ix_notifications_broadcast_recipient_status", "broadcast_id", "status"),
    )

    broadcast_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            "notifications_broadcast.id",
            ondelete="CASCADE",
            name="fk_notifications_broadcast_recipient_broadcast",
        ),
        primary_key=True,
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # the Telegram user id (a private chat)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class SendSlot(Base):
    """The next free send slot of a bot (seconds since the epoch), for senders without Redis."""

    __tablename__ = "notifications_send_slot"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class SavedAudience(Base):
    """A shop's named audience (a saved filter); broadcasts using it read it when sending starts."""

    __tablename__ = "notifications_saved_audience"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    audience: Mapped[dict[str, Any]] = mapped_column(JSONType)  # any kind but "saved"
    created_by: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
