"""promo code customer: a promo code may be bound to one customer (win-back codes)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 10:10:00

Written by hand: promotions_promo_code.customer_id, nullable (a code anyone may use); a plain
column, identity owns the customer rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("promotions_promo_code") as batch:
        batch.add_column(sa.Column("customer_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promotions_promo_code") as batch:
        batch.drop_column("customer_id")
