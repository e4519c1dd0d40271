"""checkout session: the shopper's shipping, address, date, promotion and code choices per cart

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 11:00:00

Written by hand: only checkout.session's own table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "checkout_session",
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("shipping_method_code", sa.String(length=32), nullable=True),
        sa.Column("addons", JSON, nullable=False),
        sa.Column("address", JSON, nullable=True),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.Column("payment_method_code", sa.String(length=32), nullable=True),
        sa.Column("chosen_promotion_ids", JSON, nullable=False),
        sa.Column("removed_promotion_ids", JSON, nullable=False),
        sa.Column("promo_codes", JSON, nullable=False),
        sa.Column("notice", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["checkout_cart.id"],
            name=op.f("fk_checkout_session_cart_id_checkout_cart"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_checkout_session_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cart_id", name=op.f("pk_checkout_session")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("checkout_session")
