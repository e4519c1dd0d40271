"""checkout order: the orders finalised carts became, with what the shopper agreed to

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 12:10:00

Written by hand: only checkout.finalize's own table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "checkout_order",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("cart_version", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("payment_method", sa.String(length=32), nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("created_at", shopkeeper.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders_order.id"],
            name=op.f("fk_checkout_order_order_id_orders_order"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["checkout_cart.id"],
            name=op.f("fk_checkout_order_cart_id_checkout_cart"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_checkout_order_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_checkout_order")),
        sa.UniqueConstraint(
            "cart_id", "cart_version", name=op.f("uq_checkout_order_cart_id_cart_version")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_checkout_order_cart_id"), "checkout_order", ["cart_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_checkout_order_cart_id"), table_name="checkout_order")
    op.drop_table("checkout_order")
