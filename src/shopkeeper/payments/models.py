"""Tables of the payments context: gateway accounts, payments, refunds, ledger, webhooks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class GatewayAccount(Base):
    """A shop's credentials for one provider, encrypted at rest (SecretBox)."""

    __tablename__ = "payments_gateway_account"
    __table_args__ = (UniqueConstraint("shop_id", "provider"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(32))
    config_encrypted: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Payment(Base):
    """One attempt to collect an order's money through one provider.

    `amount_captured` is the money the provider holds for us; `amount_refunded` what went
    back. `applied` says whether the order took the money (orders.mark_paid); when it could
    not (expired, cancelled), `flag` says why and the money is refunded automatically.
    """

    __tablename__ = "payments_payment"
    __table_args__ = (
        UniqueConstraint("shop_id", "provider", "provider_payment_id"),
        Index("ix_payments_payment_shop_order", "shop_id", "order_id"),
        Index("ix_payments_payment_shop_created", "shop_id", "created_at"),
        Index("ix_payments_payment_reference", "shop_id", "provider", "provider_reference"),
        Index(
            "ix_payments_payment_subscription", "shop_id", "provider", "provider_subscription_id"
        ),
        Index("ix_payments_payment_status", "status", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column()
    provider: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    amount_captured: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    provider_payment_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    provider_reference: Mapped[str | None] = mapped_column(String(128), nullable=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # The provider's own subscription this payment started or renewed (Stripe `sub_…`).
    provider_subscription_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Snapshots shown on the hosted pay page and sent to the provider.
    description: Mapped[str] = mapped_column(String(300), default="")
    shop_name: Mapped[str] = mapped_column(String(200), default="")
    redirect_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    return_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    flag: Mapped[str | None] = mapped_column(String(300), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Refund(Base):
    """Money sent back for a payment: asked by staff, automatic, or done at the provider."""

    __tablename__ = "payments_refund"
    __table_args__ = (
        UniqueConstraint("shop_id", "provider", "provider_refund_id"),
        Index("ix_payments_refund_shop_order", "shop_id", "order_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column()
    payment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payments_payment.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_refund_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LedgerEntry(Base):
    """One money movement; (kind, source_id) is unique so a redelivery cannot book it twice.

    Payments are positive, refunds and fees negative; `source_id` is the payment id for
    `payment` and `fee`, the refund id for `refund`.
    """

    __tablename__ = "payments_ledger_entry"
    __table_args__ = (
        UniqueConstraint("kind", "source_id"),
        Index("ix_payments_ledger_entry_shop_order", "shop_id", "order_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column()
    payment_id: Mapped[uuid.UUID] = mapped_column()
    refund_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookEvent(Base):
    """An inbound webhook request, stored before anything else happens with it.

    `status`: received → processed | parked | ignored | rejected | failed. A parked event
    waits (already verified, normalised in `events`) for its payment's capture.
    """

    __tablename__ = "payments_webhook_event"
    __table_args__ = (
        UniqueConstraint("shop_id", "provider", "provider_event_id"),
        Index("ix_payments_webhook_event_parked", "shop_id", "provider", "status"),
        Index("ix_payments_webhook_event_shop_received", "shop_id", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    provider_event_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSONType)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))
    events: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType, nullable=True)
    subject_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
