"""carts: checkout.cart's carts, their items and the stored cart views

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 10:40:00

Written by hand: only the cart context's own tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
ACTIVE_CUSTOMER = "state = 'active' AND customer_id IS NOT NULL"


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def _shop(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "checkout_cart",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "state IN ('active', 'merged', 'converted')", name=op.f("ck_checkout_cart_state")
        ),
        _shop("checkout_cart"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_cart")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_checkout_cart_token_hash")),
    )
    op.create_index(
        "ix_checkout_cart_active_customer", "checkout_cart", ["shop_id", "customer_id"],
        unique=True, sqlite_where=sa.text(ACTIVE_CUSTOMER),
        postgresql_where=sa.text(ACTIVE_CUSTOMER),
    )  # fmt: skip
    op.create_table(
        "checkout_cart_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("parent_item_id", sa.Uuid(), nullable=True),
        sa.Column("line_key", sa.String(length=120), nullable=False),
        _time("added_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "type IN ('offer', 'warranty', 'accessory', 'service')",
            name=op.f("ck_checkout_cart_item_type"),
        ),
        sa.CheckConstraint(
            "quantity BETWEEN 1 AND 99", name=op.f("ck_checkout_cart_item_quantity")
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["checkout_cart.id"],
            name=op.f("fk_checkout_cart_item_cart_id_checkout_cart"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_item_id"], ["checkout_cart_item.id"],
            name=op.f("fk_checkout_cart_item_parent_item_id_checkout_cart_item"),
            ondelete="CASCADE",
        ),
        _shop("checkout_cart_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_cart_item")),
        sa.UniqueConstraint(
            "cart_id", "line_key", name=op.f("uq_checkout_cart_item_cart_id_line_key")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_checkout_cart_item_parent_item_id"), "checkout_cart_item", ["parent_item_id"]
    )
    op.create_table(
        "checkout_cart_view",
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("body", JSON, nullable=False),
        _time("built_at"),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["checkout_cart.id"],
            name=op.f("fk_checkout_cart_view_cart_id_checkout_cart"), ondelete="CASCADE",
        ),
        _shop("checkout_cart_view"),
        sa.PrimaryKeyConstraint("cart_id", name=op.f("pk_checkout_cart_view")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("checkout_cart_view")
    op.drop_index(op.f("ix_checkout_cart_item_parent_item_id"), "checkout_cart_item")
    op.drop_table("checkout_cart_item")
    op.drop_index("ix_checkout_cart_active_customer", "checkout_cart")
    op.drop_table("checkout_cart")
