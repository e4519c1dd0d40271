"""broadcasts: a message to an audience of a bot, and its recipients (a snapshot),
the next free send slot per bot (the rate gate without Redis)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 09:00:00

Written by hand: only the notifications context's broadcast tables. bot_id and customer_id
are plain columns (the Telegram adapter and identity own those rows).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shopkeeper.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notifications_broadcast",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("bot_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("image_url", sa.String(length=1000), nullable=True),
        sa.Column("buttons", _JSON, nullable=False),
        sa.Column("audience", _JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _time("scheduled_at", nullable=True),
        _time("started_at", nullable=True),
        _time("finished_at", nullable=True),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("unreachable", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _time("created_at"),
        _time("updated_at"),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_notifications_broadcast_shop_id_shop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_broadcast")),
    )  # fmt: skip
    op.create_index(
        "ix_notifications_broadcast_shop_created",
        "notifications_broadcast",
        ["shop_id", "created_at"],
    )
    op.create_index(
        "ix_notifications_broadcast_status_scheduled",
        "notifications_broadcast",
        ["status", "scheduled_at"],
    )
    op.create_table(
        "notifications_broadcast_recipient",
        sa.Column("broadcast_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        _time("claimed_until", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        _time("sent_at", nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["notifications_broadcast.id"],
            name="fk_notifications_broadcast_recipient_broadcast",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "broadcast_id", "customer_id", name=op.f("pk_notifications_broadcast_recipient")
        ),
    )  # fmt: skip
    op.create_index(
        "ix_notifications_broadcast_recipient_status",
        "notifications_broadcast_recipient",
        ["broadcast_id", "status"],
    )
    op.create_table(
        "notifications_send_slot",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_notifications_send_slot")),
    )


def downgrade() -> None:
    op.drop_table("notifications_send_slot")
    op.drop_index(
        "ix_notifications_broadcast_recipient_status", "notifications_broadcast_recipient"
    )
    op.drop_table("notifications_broadcast_recipient")
    op.drop_index("ix_notifications_broadcast_status_scheduled", "notifications_broadcast")
    op.drop_index("ix_notifications_broadcast_shop_created", "notifications_broadcast")
    op.drop_table("notifications_broadcast")
