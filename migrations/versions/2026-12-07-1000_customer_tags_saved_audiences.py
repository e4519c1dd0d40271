"""customer tags and saved audiences: a shop's labels on its customers (identity), and its
named broadcast audiences (notifications)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 10:00:00

Written by hand. identity_customer_tag belongs to identity (a foreign key to its customers);
notifications_saved_audience to notifications (created_by is a plain column).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TAG = "identity_customer_tag"
SAVED = "notifications_saved_audience"


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def _tag_table() -> None:
    op.create_table(
        TAG,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        _time("created_at"),
        _shop_fk(TAG),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["identity_customer.id"],
            name=op.f(f"fk_{TAG}_customer_id_identity_customer"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TAG}")),
        sa.UniqueConstraint(
            "shop_id", "customer_id", "tag", name=op.f(f"uq_{TAG}_shop_id_customer_id_tag")
        ),
    )  # fmt: skip
    op.create_index("ix_identity_customer_tag_shop_tag", TAG, ["shop_id", "tag"])


def _saved_table() -> None:
    op.create_table(
        SAVED,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("audience", _JSON, nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        _shop_fk(SAVED),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{SAVED}")),
        sa.UniqueConstraint("shop_id", "name", name=op.f(f"uq_{SAVED}_shop_id_name")),
    )


def upgrade() -> None:
    _tag_table()
    _saved_table()


def downgrade() -> None:
    op.drop_table(SAVED)
    op.drop_index("ix_identity_customer_tag_shop_tag", TAG)
    op.drop_table(TAG)
