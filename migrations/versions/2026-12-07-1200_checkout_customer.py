"""checkout customer data and consents: who buys, the shop's consents, their text versions,
and each cart's answers

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 12:00:00

Written by hand: only checkout.customer's own tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _time(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=False)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def _cart_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["cart_id"], ["checkout_cart.id"], name=op.f(f"fk_{table}_cart_id_checkout_cart"),
        ondelete="CASCADE",
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "checkout_customer_data",
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("invoice", JSON, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        _cart_fk("checkout_customer_data"),
        _shop_fk("checkout_customer_data"),
        sa.PrimaryKeyConstraint("cart_id", name=op.f("pk_checkout_customer_data")),
    )  # fmt: skip
    op.create_table(
        "checkout_consent",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        _shop_fk("checkout_consent"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_consent")),
        sa.UniqueConstraint("shop_id", "code", name=op.f("uq_checkout_consent_shop_id_code")),
    )  # fmt: skip
    op.create_table(
        "checkout_consent_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("texts", JSON, nullable=False),
        _time("created_at"),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["checkout_consent.id"],
            name=op.f("fk_checkout_consent_version_consent_id_checkout_consent"),
            ondelete="CASCADE",
        ),
        _shop_fk("checkout_consent_version"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_consent_version")),
        sa.UniqueConstraint(
            "consent_id", "number", name=op.f("uq_checkout_consent_version_consent_id_number")
        ),
    )  # fmt: skip
    op.create_table(
        "checkout_consent_acceptance",
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        _time("at"),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        _cart_fk("checkout_consent_acceptance"),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["checkout_consent.id"],
            name=op.f("fk_checkout_consent_acceptance_consent_id_checkout_consent"),
            ondelete="CASCADE",
        ),
        _shop_fk("checkout_consent_acceptance"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["checkout_consent_version.id"],
            name=op.f("fk_checkout_consent_acceptance_version_id_checkout_consent_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "cart_id", "consent_id", name=op.f("pk_checkout_consent_acceptance")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("checkout_consent_acceptance")
    op.drop_table("checkout_consent_version")
    op.drop_table("checkout_consent")
    op.drop_table("checkout_customer_data")
