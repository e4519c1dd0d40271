"""Tables of win-back chains: a shop's chain of steps, and each customer's scheduled steps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class WinbackChain(Base):
    """A shop's win-back sequence: `steps` is a list of {day, purpose, promo} (see schemas)."""

    __tablename__ = "notifications_winback_chain"

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WinbackSend(Base):
    """One step of one customer's chain, due at `due_at`; sent once, or cancelled by a payment.

    status: pending → claimed (a worker holds it until `claimed_until`) → sent, or cancelled.
    The step's terms are copied from the chain when it is scheduled.
    """

    __tablename__ = "notifications_winback_send"
    __table_args__ = (
        UniqueConstraint("shop_id", "expiry_event_id", "step"),
        Index("ix_notifications_winback_send_due", "status", "due_at"),
        Index("ix_notifications_winback_send_customer", "shop_id", "customer_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column()
    subscription_id: Mapped[uuid.UUID] = mapped_column()
    product_id: Mapped[uuid.UUID] = mapped_column()
    expiry_event_id: Mapped[uuid.UUID] = mapped_column()  # the expiry that started the chain
    step: Mapped[int] = mapped_column()  # 1-based position in the chain
    day: Mapped[int] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(64))
    promo_percent_off_bp: Mapped[int | None] = mapped_column(nullable=True)
    promo_valid_days: Mapped[int | None] = mapped_column(nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))  # pending | claimed | sent | cancelled
    claim_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    promo_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    message_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
