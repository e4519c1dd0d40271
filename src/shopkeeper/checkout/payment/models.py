"""The checkout_payment_attempt table: each try to pay a checkout's order, one per method
started (its id is the transaction id the shopper sees)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id

STATUSES = ("pending", "success", "failed", "refund")


class CheckoutPaymentAttempt(Base):
    """One payment attempt of a checkout order: by a gateway (`payment_id` is the payments
    core's payment) or cash on delivery (no payment row: collected by the courier).

    `number` counts the order's attempts (1, 2, ...): unique per order, so two requests
    starting a payment of the same order at once cannot both start one.
    """

    __tablename__ = "checkout_payment_attempt"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        UniqueConstraint("order_id", "number"),
        Index("ix_checkout_payment_attempt_cart_id", "cart_id"),
        Index("ix_checkout_payment_attempt_payment_id", "payment_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    cart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_cart.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders_order.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(32))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    redirect_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
