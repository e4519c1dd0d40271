"""analytics: the analytics.read permission (viewer, manager, admin, owner — not cashier) and
the indexes the dashboard's windows read by (orders by paid time, payments by start, webhooks
by arrival, each within a shop)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 18:00:00

Written by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLE_PERMISSION = sa.table("shop_role_permission", sa.column("role"), sa.column("permission"))
_READERS = ("viewer", "manager", "admin", "owner")
_INDEXES = (
    ("ix_orders_order_shop_paid", "orders_order", ["shop_id", "paid_at"]),
    ("ix_payments_payment_shop_created", "payments_payment", ["shop_id", "created_at"]),
    ("ix_payments_webhook_event_shop_received", "payments_webhook_event",
     ["shop_id", "received_at"]),
)  # fmt: skip


def upgrade() -> None:
    rows = [{"role": r, "permission": "analytics.read"} for r in _READERS]
    op.bulk_insert(_ROLE_PERMISSION, rows)
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table)
    op.execute(_ROLE_PERMISSION.delete().where(_ROLE_PERMISSION.c.permission == "analytics.read"))
