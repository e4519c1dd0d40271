"""renewals: automatic renewal claims; a payment's provider subscription

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 15:10:00

Written by hand: subscriptions_renewal (one automatic renewal per subscription and period
end), subscriptions_subscription.renewal_cancel_sent (what a provider's own subscription was
told) and payments_payment.provider_subscription_id (Stripe's subscription a payment started).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("payments_payment") as batch:
        batch.add_column(sa.Column("provider_subscription_id", sa.String(length=128)))
    op.create_index(
        "ix_payments_payment_subscription",
        "payments_payment",
        ["shop_id", "provider", "provider_subscription_id"],
    )
    with op.batch_alter_table("subscriptions_subscription") as batch:
        batch.add_column(
            sa.Column(
                "renewal_cancel_sent", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    name = "subscriptions_renewal"
    op.create_table(
        name,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        _time("period_end"),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "status IN ('claimed', 'pending', 'paid', 'failed')",
            name=op.f(f"ck_{name}_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f(f"fk_{name}_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions_subscription.id"],
            name=op.f(f"fk_{name}_subscription_id_subscriptions_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "subscription_id", "period_end", name=op.f(f"uq_{name}_subscription_id_period_end")
        ),
    )
    op.create_index("ix_subscriptions_renewal_shop_order", name, ["shop_id", "order_id"])
    op.create_index("ix_subscriptions_renewal_status", name, ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_subscriptions_renewal_status", "subscriptions_renewal")
    op.drop_index("ix_subscriptions_renewal_shop_order", "subscriptions_renewal")
    op.drop_table("subscriptions_renewal")
    with op.batch_alter_table("subscriptions_subscription") as batch:
        batch.drop_column("renewal_cancel_sent")
    op.drop_index("ix_payments_payment_subscription", "payments_payment")
    with op.batch_alter_table("payments_payment") as batch:
        batch.drop_column("provider_subscription_id")
