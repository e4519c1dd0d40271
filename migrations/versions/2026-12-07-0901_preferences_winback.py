"""preferences and win-back: customers' per-channel opt-outs, win-back chains and their steps

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 09:01:00

Written by hand: only the notifications context's tables. customer_id, subscription_id and
product_id are plain columns (identity and subscriptions own those rows).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OPT_OUT = "notifications_opt_out"
CHAIN = "notifications_winback_chain"
SEND = "notifications_winback_send"


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def _opt_out_table() -> None:
    op.create_table(
        OPT_OUT,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        _time("created_at"),
        _shop_fk(OPT_OUT),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{OPT_OUT}")),
        sa.UniqueConstraint(
            "shop_id", "customer_id", "channel",
            name=op.f(f"uq_{OPT_OUT}_shop_id_customer_id_channel"),
        ),
    )  # fmt: skip


def _chain_table() -> None:
    op.create_table(
        CHAIN,
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("steps", _JSON, nullable=False),
        _time("updated_at"),
        _shop_fk(CHAIN),
        sa.PrimaryKeyConstraint("shop_id", name=op.f(f"pk_{CHAIN}")),
    )


def _send_table() -> None:
    op.create_table(
        SEND,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("expiry_event_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("promo_percent_off_bp", sa.Integer(), nullable=True),
        sa.Column("promo_valid_days", sa.Integer(), nullable=True),
        _time("due_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claim_token", sa.String(length=64), nullable=True),
        _time("claimed_until", nullable=True),
        sa.Column("promo_code", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        _time("created_at"),
        _time("finished_at", nullable=True),
        _shop_fk(SEND),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{SEND}")),
        sa.UniqueConstraint(
            "shop_id", "expiry_event_id", "step",
            name=op.f(f"uq_{SEND}_shop_id_expiry_event_id_step"),
        ),
    )  # fmt: skip
    op.create_index("ix_notifications_winback_send_due", SEND, ["status", "due_at"])
    op.create_index(
        "ix_notifications_winback_send_customer", SEND, ["shop_id", "customer_id", "status"]
    )


def upgrade() -> None:
    _opt_out_table()
    _chain_table()
    _send_table()


def downgrade() -> None:
    op.drop_index("ix_notifications_winback_send_customer", SEND)
    op.drop_index("ix_notifications_winback_send_due", SEND)
    op.drop_table(SEND)
    op.drop_table(CHAIN)
    op.drop_table(OPT_OUT)
