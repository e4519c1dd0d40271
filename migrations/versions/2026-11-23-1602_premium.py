"""premium: plan changes (upgrades/downgrades), shop premium rules

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 01:00:00

Written by hand: subscriptions_plan_change (one open change per subscription),
subscriptions_settings (a shop's upgrade and downgrade rules), the pending plan of a
subscription (subscriptions_subscription.pending_product_id / pending_from), and staff alerts
in the delivery log (notifications_message.user_id; customer_id may be empty for them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE = "subscriptions_plan_change"
SETTINGS = "subscriptions_settings"
_OPEN = sa.text("status IN ('awaiting_payment', 'scheduled')")
_PENDING = sa.text("pending_product_id IS NOT NULL")


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def _plan_change_table() -> None:
    op.create_table(
        CHANGE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("from_product_id", sa.Uuid(), nullable=False),
        sa.Column("to_product_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("timing", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("credit", sa.Integer(), nullable=False),
        sa.Column("charge", sa.Integer(), nullable=False),
        sa.Column("actor_label", sa.String(length=320), nullable=True),
        sa.Column("cancel_reason", sa.String(length=200), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        _time("applied_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('awaiting_payment', 'scheduled', 'applied', 'canceled')",
            name=op.f(f"ck_{CHANGE}_status_known"),
        ),
        sa.CheckConstraint(
            "direction IN ('upgrade', 'downgrade')", name=op.f(f"ck_{CHANGE}_direction_known")
        ),
        sa.CheckConstraint(
            "timing IN ('now', 'period_end')", name=op.f(f"ck_{CHANGE}_timing_known")
        ),
        _shop_fk(CHANGE),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions_subscription.id"],
            name=op.f(f"fk_{CHANGE}_subscription_id_subscriptions_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{CHANGE}")),
    )
    op.create_index(
        "uq_subscriptions_plan_change_open", CHANGE, ["subscription_id"], unique=True,
        sqlite_where=_OPEN, postgresql_where=_OPEN,
    )  # fmt: skip
    op.create_index("ix_subscriptions_plan_change_shop_order", CHANGE, ["shop_id", "order_id"])


def _settings_table() -> None:
    op.create_table(
        SETTINGS,
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("upgrade_rule", sa.String(length=24), nullable=False),
        sa.Column("downgrade_rule", sa.String(length=24), nullable=False),
        _time("updated_at"),
        sa.CheckConstraint(
            "upgrade_rule IN ('immediate_prorated', 'at_period_end')",
            name=op.f(f"ck_{SETTINGS}_upgrade_rule_known"),
        ),
        sa.CheckConstraint(
            "downgrade_rule IN ('at_period_end', 'immediate')",
            name=op.f(f"ck_{SETTINGS}_downgrade_rule_known"),
        ),
        _shop_fk(SETTINGS),
        sa.PrimaryKeyConstraint("shop_id", name=op.f(f"pk_{SETTINGS}")),
    )


def upgrade() -> None:
    with op.batch_alter_table("subscriptions_subscription") as batch:
        batch.add_column(sa.Column("pending_product_id", sa.Uuid(), nullable=True))
        batch.add_column(_time("pending_from", nullable=True))
    op.create_index(
        "ix_subscriptions_subscription_pending", "subscriptions_subscription", ["pending_from"],
        sqlite_where=_PENDING, postgresql_where=_PENDING,
    )  # fmt: skip
    _plan_change_table()
    _settings_table()
    with op.batch_alter_table("notifications_message") as batch:
        batch.alter_column("customer_id", existing_type=sa.Uuid(), nullable=True)
        batch.add_column(sa.Column("user_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM notifications_message WHERE customer_id IS NULL")
    with op.batch_alter_table("notifications_message") as batch:
        batch.drop_column("user_id")
        batch.alter_column("customer_id", existing_type=sa.Uuid(), nullable=False)
    op.drop_table(SETTINGS)
    op.drop_index("ix_subscriptions_plan_change_shop_order", CHANGE)
    op.drop_index("uq_subscriptions_plan_change_open", CHANGE)
    op.drop_table(CHANGE)
    op.drop_index("ix_subscriptions_subscription_pending", "subscriptions_subscription")
    with op.batch_alter_table("subscriptions_subscription") as batch:
        batch.drop_column("pending_from")
        batch.drop_column("pending_product_id")
