"""discord: connections, role mappings, interactions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:00:00

Written by hand: only the Discord adapter's own tables (discord_connection, discord_role,
discord_account). Permissions are the bots.* ones of revision 0010.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shopkeeper.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, shopkeeper.db.UTCDateTime(timezone=True), nullable=nullable)


def _shop_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shop.id"], name=op.f(f"fk_{table}_shop_id_shop"), ondelete="CASCADE"
    )


def _connection() -> None:
    op.create_table(
        "discord_connection",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("bot_user_id", sa.String(length=32), nullable=False),
        sa.Column("bot_username", sa.String(length=64), nullable=False),
        sa.Column("token_encrypted", sa.Text(), nullable=False),
        sa.Column("token_mask", sa.String(length=64), nullable=False),
        sa.Column("client_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("client_secret_mask", sa.String(length=32), nullable=False),
        sa.Column("guild_id", sa.String(length=32), nullable=False),
        sa.Column("guild_name", sa.String(length=100), nullable=False),
        sa.Column("revoke_mode", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _time("commands_registered_at", nullable=True),
        sa.Column("commands_error", sa.String(length=300), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        _time("disconnected_at", nullable=True),
        _shop_fk("discord_connection"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discord_connection")),
        sa.UniqueConstraint("shop_id", name=op.f("uq_discord_connection_shop_id")),
    )
    op.create_index(
        "uq_discord_connection_active_application_id", "discord_connection", ["application_id"],
        unique=True, sqlite_where=sa.text("active"), postgresql_where=sa.text("active"),
    )  # fmt: skip


def _role() -> None:
    op.create_table(
        "discord_role",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("guild_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("manageable", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.String(length=300), nullable=False),
        _time("checked_at"),
        _time("created_at"),
        _shop_fk("discord_role"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discord_role")),
        sa.UniqueConstraint("target_id", name=op.f("uq_discord_role_target_id")),
        sa.UniqueConstraint(
            "shop_id", "guild_id", "role_id", name=op.f("uq_discord_role_shop_id_guild_id_role_id")
        ),
    )


def _account() -> None:
    op.create_table(
        "discord_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("discord_user_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("global_name", sa.String(length=64), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("access_token_encrypted", sa.Text(), nullable=False),
        sa.Column("refresh_token_encrypted", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        _time("expires_at", nullable=True),
        _time("created_at"),
        _time("updated_at"),
        _shop_fk("discord_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discord_account")),
        sa.UniqueConstraint(
            "shop_id", "discord_user_id", name=op.f("uq_discord_account_shop_id_discord_user_id")
        ),
    )
    op.create_index(
        "ix_discord_account_shop_customer", "discord_account", ["shop_id", "customer_id"]
    )


def upgrade() -> None:
    _connection()
    _role()
    _account()


def downgrade() -> None:
    op.drop_index("ix_discord_account_shop_customer", table_name="discord_account")
    op.drop_table("discord_account")
    op.drop_table("discord_role")
    op.drop_index("uq_discord_connection_active_application_id", table_name="discord_connection")
    op.drop_table("discord_connection")
