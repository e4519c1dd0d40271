"""identity prefix search: an index on identities by (shop, kind, value) with pattern ops, so
PostgreSQL reads `value LIKE 'ola@%'` as a range whatever the database's collation

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08 01:30:00

Written by hand.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_identity_customer_identity_prefix", "identity_customer_identity",
        ["shop_id", "kind", "value"], postgresql_ops={"value": "varchar_pattern_ops"},
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_identity_customer_identity_prefix", table_name="identity_customer_identity")
