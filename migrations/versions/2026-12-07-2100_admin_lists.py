"""admin lists: staff's notes on customers (identity_customer_note), and the indexes the admin's
lists read by: customers newest first, orders newest first (also of one state, or of one
customer) and by total — each ending with the id, so a page's ids come from the index alone

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 21:00:00

Written by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_identity_customer_shop_created", "identity_customer", ["shop_id", "created_at"]),
    ("ix_orders_order_shop_state_created", "orders_order",
     ["shop_id", "state", "created_at", "id"]),
    ("ix_orders_order_shop_total", "orders_order", ["shop_id", "total_amount", "id"]),
)  # fmt: skip
# Indexes that gain columns: (name, before, after).
_WIDENED = (
    ("ix_orders_order_shop_customer", ["shop_id", "customer_id"],
     ["shop_id", "customer_id", "created_at", "id"]),
    ("ix_orders_order_shop_created", ["shop_id", "created_at"], ["shop_id", "created_at", "id"]),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "identity_customer_note",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("shop_id", sa.Uuid(), sa.ForeignKey("shop.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("customer_id", sa.Uuid(),
                  sa.ForeignKey("identity_customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_label", sa.String(320), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", shopkeeper.db.UTCDateTime(timezone=True), nullable=False),
    )  # fmt: skip
    op.create_index("ix_identity_customer_note_customer", "identity_customer_note",
                    ["shop_id", "customer_id", "created_at"])  # fmt: skip
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    for name, _before, after in _WIDENED:
        op.drop_index(name, table_name="orders_order")
        op.create_index(name, "orders_order", after)


def downgrade() -> None:
    for name, before, _after in _WIDENED:
        op.drop_index(name, table_name="orders_order")
        op.create_index(name, "orders_order", before)
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_identity_customer_note_customer", table_name="identity_customer_note")
    op.drop_table("identity_customer_note")
