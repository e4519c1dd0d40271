"""cache entry: one key → value table with expiries for every cache of the scaled shape
without Redis (the delivery calendar, checkout totals, shipping methods, promotions and
services per cart); the calendar's own table goes (a cache: nothing in it needs keeping)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 14:00:00

Written by hand.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _entry_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", shopkeeper.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_expires_at"), name, ["expires_at"])


def _drop_entry_table(name: str) -> None:
    op.drop_index(op.f(f"ix_{name}_expires_at"), name)
    op.drop_table(name)


def upgrade() -> None:
    _entry_table("cache_entry")
    _drop_entry_table("shipping_calendar_entry")


def downgrade() -> None:
    _entry_table("shipping_calendar_entry")
    _drop_entry_table("cache_entry")
