"""Tables of the subscriptions context: subscriptions, how their end moved, reminders sent,
automatic renewals claimed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id

LIVE_STATUSES = ("trialing", "active", "past_due")
_LIVE = text("status IN ('trialing', 'active', 'past_due')")


class Subscription(Base):
    """A customer's time on a plan; at most one live (trialing, active, past_due) per plan.

    `period_end` is what was paid (or given) for; an ended subscription keeps it and says
    when and why it ended in `ended_at` / `ended_reason`.
    """

    __tablename__ = "subscriptions_subscription"
    __table_args__ = (
        Index(
            "uq_subscriptions_subscription_live",
            "shop_id",
            "customer_id",
            "product_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        Index("ix_subscriptions_subscription_shop_customer", "shop_id", "customer_id"),
        Index("ix_subscriptions_subscription_shop_created", "shop_id", "created_at"),
        Index("ix_subscriptions_subscription_status_end", "status", "period_end"),
        Index("ix_subscriptions_subscription_status_grace", "status", "grace_until"),
        CheckConstraint(
            "status IN ('trialing', 'active', 'past_due', 'canceled', 'expired')",
            name="status_known",
        ),
        CheckConstraint("renewal IN ('manual', 'auto')", name="renewal_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID]  # a column: identity is another context
    product_id: Mapped[uuid.UUID]  # the plan, a catalog product
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    trial_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)  # the plan's, at the last purchase
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # expired | canceled | revoked | refunded | merged
    ended_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    renewal: Mapped[str] = mapped_column(String(8), default="manual")
    renewal_provider: Mapped[str | None] = mapped_column(String(32), nullable=True)
    renewal_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The provider's own subscription was told to stop after its period (kept in step with
    # cancel_at_period_end and with the subscription ending).
    renewal_cancel_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionPeriod(Base):
    """One move of a subscription's end: a payment, a gift, a staff extension, a refund.

    A payment row is unique per (order, plan, kind): a redelivered OrderPaid finds it and
    changes nothing.
    """

    __tablename__ = "subscriptions_period"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id", "kind"),
        Index("ix_subscriptions_period_subscription", "subscription_id", "created_at"),
        Index("ix_subscriptions_period_shop_order", "shop_id", "order_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subscriptions_subscription.id", ondelete="CASCADE")
    )
    product_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16))  # payment | gift | extension | refund
    order_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    periods: Mapped[int | None] = mapped_column(Integer, nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    new_end: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_label: Mapped[str | None] = mapped_column(String(320), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionReminder(Base):
    """A reminder claimed for (subscription, period end, kind): its unique key makes it once."""

    __tablename__ = "subscriptions_reminder"
    __table_args__ = (UniqueConstraint("subscription_id", "period_end", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subscriptions_subscription.id", ondelete="CASCADE")
    )
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))  # before_<N>d | expired
    offset_days: Mapped[int | None] = mapped_column(Integer, nullable=True)  # N; NULL: expired
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionRenewal(Base):
    """One automatic renewal per (subscription, period end): inserting it claims the charge.

    `status`: claimed (the renewal order placed, the charge not answered yet) → pending (the
    provider will tell) → paid, or failed (`error` says why; the subscription went back to
    renewal by reminders).
    """

    __tablename__ = "subscriptions_renewal"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period_end"),
        Index("ix_subscriptions_renewal_shop_order", "shop_id", "order_id"),
        Index("ix_subscriptions_renewal_status", "status", "created_at"),
        CheckConstraint("status IN ('claimed', 'pending', 'paid', 'failed')", name="status_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subscriptions_subscription.id", ondelete="CASCADE")
    )
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    provider: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)  # the renewal order
    payment_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
