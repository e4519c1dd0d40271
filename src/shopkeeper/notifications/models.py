"""Tables of the notifications context: per-shop template overrides and the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class NotificationTemplate(Base):
    """A shop's own wording of one message in one language (defaults live in code)."""

    __tablename__ = "notifications_template"
    __table_args__ = (UniqueConstraint("shop_id", "purpose", "language"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NotificationMessage(Base):
    """One outbound message: to whom, on which channel, what, and how it went.

    A message to a customer names `customer_id`; an alert to staff names `user_id` instead.
    """

    __tablename__ = "notifications_message"
    __table_args__ = (
        UniqueConstraint("shop_id", "dedupe_key"),
        Index("ix_notifications_message_customer", "shop_id", "customer_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)  # a staff user (alerts)
    channel: Mapped[str] = mapped_column(String(16))  # "none" when no channel reaches them
    purpose: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # sent | blocked | failed | skipped
    error: Mapped[str] = mapped_column(String(500), default="")
    dedupe_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
