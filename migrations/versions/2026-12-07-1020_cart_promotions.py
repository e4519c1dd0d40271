"""cart promotions: the promotions engine's rule definitions per shop

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:20:00

Written by hand: promotions_promotion belongs to the promotions context (promo codes keep
their own tables); product and category ids are plain JSON lists, catalog owns those rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TABLE = "promotions_promotion"
KINDS = "('percent_off', 'amount_off', 'second_item', 'buy_n_get_m', 'cart_threshold', 'gift')"


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("product_ids", JSON, nullable=False),
        sa.Column("category_ids", JSON, nullable=False),
        sa.Column("line_types", JSON, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("exclusive", sa.Boolean(), nullable=False),
        sa.Column("stackable", sa.Boolean(), nullable=False),
        sa.Column("max_discount", JSON, nullable=False),
        _time("starts_at", nullable=True),
        _time("ends_at", nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f(f"ck_{TABLE}_kind_known")),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at",
            name=op.f(f"ck_{TABLE}_window"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f(f"fk_{TABLE}_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index("ix_promotions_promotion_shop_active", TABLE, ["shop_id", "active"])


def downgrade() -> None:
    op.drop_index("ix_promotions_promotion_shop_active", TABLE)
    op.drop_table(TABLE)
