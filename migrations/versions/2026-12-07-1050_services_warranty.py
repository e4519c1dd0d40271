"""services and warranty: a shop's own services rules, warranty offers per product

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 10:50:00

Written by hand: only checkout.services' and checkout.warranty's own tables (the
checkout.read / checkout.write permissions they use came with shipping, 0024).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "checkout_services_rules",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        _time("updated_at"),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_checkout_services_rules_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_checkout_services_rules")),
    )  # fmt: skip
    op.create_table(
        "checkout_warranty_offer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.CheckConstraint(
            "months >= 1 AND months <= 240", name=op.f("ck_checkout_warranty_offer_months_range")
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_checkout_warranty_offer_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["catalog_product.id"],
            name=op.f("fk_checkout_warranty_offer_product_id_catalog_product"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"], ["catalog_variant.id"],
            name=op.f("fk_checkout_warranty_offer_variant_id_catalog_variant"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_warranty_offer")),
        sa.UniqueConstraint(
            "product_id", "variant_id",
            name=op.f("uq_checkout_warranty_offer_product_id_variant_id"),
        ),
    )  # fmt: skip
    op.create_index(
        "ix_checkout_warranty_offer_shop_product", "checkout_warranty_offer",
        ["shop_id", "product_id"],
    )  # fmt: skip
    op.create_index(
        op.f("ix_checkout_warranty_offer_variant_id"), "checkout_warranty_offer", ["variant_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_checkout_warranty_offer_variant_id"), "checkout_warranty_offer")
    op.drop_index("ix_checkout_warranty_offer_shop_product", "checkout_warranty_offer")
    op.drop_table("checkout_warranty_offer")
    op.drop_table("checkout_services_rules")
