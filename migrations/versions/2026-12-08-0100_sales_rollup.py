"""sales rollup: orders_sales_bucket — what orders paid in each 15-minute UTC bucket brought
(per currency; per product while not wholly refunded), kept by the orders context as orders are
paid and refunded; filled here from the orders there are

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-08 01:00:00

Written by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    "shop_id, bucket_start, currency, product_id, slot, orders, units, amount, refunded, name"
)
_REVENUE = "('paid', 'fulfilled', 'partially_refunded')"


def _fill_statements(dialect: str) -> list[str]:
    """The rollup of the orders as they are now (the same SQL the orders context rebuilds by)."""
    if dialect == "postgresql":
        bucket = "date_bin('15 minutes', o.paid_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')"
        zero = "'00000000-0000-0000-0000-000000000000'::uuid"
    else:
        minute = "(CAST(strftime('%M', o.paid_at) AS INTEGER) / 15) * 15"
        hour = "strftime('%Y-%m-%d %H:', o.paid_at)"
        bucket = f"{hour} || printf('%02d', {minute}) || ':' || '00.000000'"
        zero = "'00000000000000000000000000000000'"
    return [
        f"INSERT INTO orders_sales_bucket ({_COLUMNS}) "  # noqa: S608
        f"SELECT o.shop_id, {bucket}, o.currency, {zero}, 0, COUNT(*), 0, SUM(o.paid_amount), "
        f"SUM(o.refunded_amount), '' FROM orders_order o "
        f"WHERE o.paid_at IS NOT NULL GROUP BY o.shop_id, {bucket}, o.currency",
        f"INSERT INTO orders_sales_bucket ({_COLUMNS}) "  # noqa: S608
        f"SELECT o.shop_id, {bucket}, o.currency, l.product_id, 0, 0, SUM(l.quantity), "
        f"SUM(l.total_amount), 0, MAX(l.name) FROM orders_order o "
        f"JOIN orders_order_line l ON l.order_id = o.id "
        f"WHERE o.paid_at IS NOT NULL AND o.state IN {_REVENUE} "
        f"GROUP BY o.shop_id, {bucket}, o.currency, l.product_id",
    ]


def upgrade() -> None:
    op.create_table(
        "orders_sales_bucket",
        sa.Column("shop_id", sa.Uuid(), sa.ForeignKey("shop.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("bucket_start", shopkeeper.db.UTCDateTime(timezone=True), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("product_id", sa.Uuid(), primary_key=True),
        sa.Column("slot", sa.Integer(), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
    )  # fmt: skip
    for statement in _fill_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("orders_sales_bucket")
