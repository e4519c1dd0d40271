"""notifications: per-shop template overrides, the delivery log, two permissions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 14:03:00

Written by hand: only the notifications context's own tables. customer_id is a plain column
(identity owns customers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLE_PERMISSION = sa.table("shop_role_permission", sa.column("role"), sa.column("permission"))
_READERS = ("viewer", "cashier", "manager", "admin", "owner")
_WRITERS = ("manager", "admin", "owner")


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "notifications_template",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _time("updated_at"),
        _shop_fk("notifications_template"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_template")),
        sa.UniqueConstraint(
            "shop_id", "purpose", "language",
            name=op.f("uq_notifications_template_shop_id_purpose_language"),
        ),
    )  # fmt: skip
    op.create_table(
        "notifications_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        _time("created_at"),
        _time("sent_at", nullable=True),
        _shop_fk("notifications_message"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_message")),
        sa.UniqueConstraint(
            "shop_id", "dedupe_key", name=op.f("uq_notifications_message_shop_id_dedupe_key")
        ),
    )
    op.create_index(
        "ix_notifications_message_customer",
        "notifications_message",
        ["shop_id", "customer_id", "created_at"],
    )
    rows = [{"role": r, "permission": "notifications.read"} for r in _READERS]
    rows += [{"role": r, "permission": "notifications.write"} for r in _WRITERS]
    op.bulk_insert(_ROLE_PERMISSION, rows)


def downgrade() -> None:
    op.execute(
        _ROLE_PERMISSION.delete().where(
            _ROLE_PERMISSION.c.permission.in_(["notifications.read", "notifications.write"])
        )
    )
    op.drop_index("ix_notifications_message_customer", table_name="notifications_message")
    op.drop_table("notifications_message")
    op.drop_table("notifications_template")
