"""checkout payment: each attempt to pay a checkout's order (the shopper's transaction id)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 12:20:00

Written by hand: only checkout.payment's own table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "checkout_payment_attempt"


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("redirect_url", sa.String(length=2000), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "status IN ('pending', 'success', 'failed', 'refund')",
            name=op.f("ck_checkout_payment_attempt_status"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_checkout_payment_attempt_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["checkout_cart.id"],
            name=op.f("fk_checkout_payment_attempt_cart_id_checkout_cart"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders_order.id"],
            name=op.f("fk_checkout_payment_attempt_order_id_orders_order"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_payment_attempt")),
        sa.UniqueConstraint(
            "order_id", "number", name=op.f("uq_checkout_payment_attempt_order_id_number")
        ),
    )  # fmt: skip
    op.create_index("ix_checkout_payment_attempt_cart_id", TABLE, ["cart_id"])
    op.create_index("ix_checkout_payment_attempt_payment_id", TABLE, ["payment_id"])


def downgrade() -> None:
    op.drop_index("ix_checkout_payment_attempt_payment_id", table_name=TABLE)
    op.drop_index("ix_checkout_payment_attempt_cart_id", table_name=TABLE)
    op.drop_table(TABLE)
