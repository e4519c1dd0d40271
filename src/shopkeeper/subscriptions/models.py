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
_PENDING = text("pending_product_id IS NOT NULL")


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
        Index(
            "ix_subscriptions_subscription_pending",
            "pending_from",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
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
    # expired | canceled | revoked | refunded | merged | replaced (by a plan change)
    ended_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    renewal: Mapped[str] = mapped_column(String(8), default="manual")
    renewal_provider: Mapped[str | None] = mapped_column(String(32), nullable=True)
    renewal_reference: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The provider's own subscription was told to stop after its period (kept in step with
    # cancel_at_period_end and with the subscription ending).
    renewal_cancel_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # A plan change scheduled for later (a downgrade at period end): the plan it moves to and
    # when; kept in step with its open `subscriptions_plan_change` row.
    pending_product_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    pending_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
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


_OPEN_CHANGE = text("status IN ('awaiting_payment', 'scheduled')")


class PlanChange(Base):
    """A move of a subscription from one plan to another (an upgrade or a downgrade).

    `status`: awaiting_payment (an upgrade's prorated order is open) → applied, or scheduled
    (at period end) → applied; either → canceled (undone, the order expired or was cancelled,
    the subscription ended). At most one open (awaiting_payment, scheduled) per subscription.
    Amounts are minor units of `currency`: `credit` for the unused time of the current plan,
    `charge` what the order asks (0 when nothing is paid).
    """

    __tablename__ = "subscriptions_plan_change"
    __table_args__ = (
        Index(
            "uq_subscriptions_plan_change_open",
            "subscription_id",
            unique=True,
            sqlite_where=_OPEN_CHANGE,
            postgresql_where=_OPEN_CHANGE,
        ),
        Index("ix_subscriptions_plan_change_shop_order", "shop_id", "order_id"),
        CheckConstraint(
            "status IN ('awaiting_payment', 'scheduled', 'applied', 'canceled')",
            name="status_known",
        ),
        CheckConstraint("direction IN ('upgrade', 'downgrade')", name="direction_known"),
        CheckConstraint("timing IN ('now', 'period_end')", name="timing_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subscriptions_subscription.id", ondelete="CASCADE")
    )
    from_product_id: Mapped[uuid.UUID]
    to_product_id: Mapped[uuid.UUID]
    direction: Mapped[str] = mapped_column(String(16))
    timing: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    credit: Mapped[int] = mapped_column(Integer, default=0)
    charge: Mapped[int] = mapped_column(Integer, default=0)
    actor_label: Mapped[str | None] = mapped_column(String(320), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SubscriptionSettings(Base):
    """A shop's plan-change rules; no row means the defaults (upgrade immediate_prorated,
    downgrade at_period_end)."""

    __tablename__ = "subscriptions_settings"
    __table_args__ = (
        CheckConstraint(
            "upgrade_rule IN ('immediate_prorated', 'at_period_end')", name="upgrade_rule_known"
        ),
        CheckConstraint(
            "downgrade_rule IN ('at_period_end', 'immediate')", name="downgrade_rule_known"
        ),
    )

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    upgrade_rule: Mapped[str] = mapped_column(String(24))
    downgrade_rule: Mapped[str] = mapped_column(String(24))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
