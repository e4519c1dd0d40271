"""shipping methods: checkout.shipping's methods, the calendar cache table, two permissions

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 10:30:00

Written by hand: only the shipping context's own tables, and the checkout.read /
checkout.write permissions (readers: every role that reads the catalog; writers: every role
that writes it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ROLE_PERMISSION = sa.table("shop_role_permission", sa.column("role"), sa.column("permission"))
_READERS = ("viewer", "cashier", "manager", "admin", "owner")
_WRITERS = ("manager", "admin", "owner")


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "shipping_method",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("prices", JSON, nullable=False),
        sa.Column("free_above", JSON, nullable=False),
        sa.Column("max_weight_grams", sa.Integer(), nullable=True),
        sa.Column("max_item_dimensions_mm", JSON, nullable=True),
        sa.Column("allowed_category_ids", JSON, nullable=False),
        sa.Column("excluded_category_ids", JSON, nullable=False),
        sa.Column("min_cart_value", JSON, nullable=False),
        sa.Column("max_cart_value", JSON, nullable=False),
        sa.Column("requires_delivery_date", sa.Boolean(), nullable=False),
        sa.Column("calendar_code", sa.String(length=64), nullable=True),
        sa.Column("cash_on_delivery", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("addons", JSON, nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "kind IN ('courier', 'parcel_locker', 'pickup', 'post')",
            name=op.f("ck_shipping_method_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_shipping_method_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_method")),
        sa.UniqueConstraint("shop_id", "code", name=op.f("uq_shipping_method_shop_id_code")),
    )  # fmt: skip
    op.create_table(
        "shipping_calendar_entry",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _time("expires_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shipping_calendar_entry")),
    )
    op.create_index(
        op.f("ix_shipping_calendar_entry_expires_at"), "shipping_calendar_entry", ["expires_at"]
    )
    rows = [{"role": r, "permission": "checkout.read"} for r in _READERS]
    rows += [{"role": r, "permission": "checkout.write"} for r in _WRITERS]
    op.bulk_insert(_ROLE_PERMISSION, rows)


def downgrade() -> None:
    op.execute(
        _ROLE_PERMISSION.delete().where(
            _ROLE_PERMISSION.c.permission.in_(["checkout.read", "checkout.write"])
        )
    )
    op.drop_index(op.f("ix_shipping_calendar_entry_expires_at"), "shipping_calendar_entry")
    op.drop_table("shipping_calendar_entry")
    op.drop_table("shipping_method")
