"""Tables of the event bus: the outbox, pending/dead deliveries, and the inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime

Position = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    """An event written in the publisher's transaction; the relay delivers it."""

    __tablename__ = "bus_outbox"
    __table_args__ = (Index("ix_bus_outbox_unpublished", "published_at", "position"),)

    position: Mapped[int] = mapped_column(Position, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    correlation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    """A handler run that failed: retried with backoff, parked as dead after N attempts."""

    __tablename__ = "bus_delivery"
    __table_args__ = (Index("ix_bus_delivery_due", "status", "next_attempt_at"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    handler: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))  # retry | dead
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxEntry(Base):
    """(event, handler) pairs already processed: a redelivered event has no second effect."""

    __tablename__ = "bus_inbox"

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    handler: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)
