"""The hand-written migration creates exactly the subscriptions tables the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.models import Base
from shopkeeper.shops import ROLE_PERMISSIONS
from shopkeeper.shops.models import RolePermission


async def test_migrated_subscriptions_tables_match_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
        rows = (
            await connection.execute(
                select(RolePermission.role, RolePermission.permission).where(
                    RolePermission.permission.like("subscriptions.%")
                )
            )
        ).all()
    await engine.dispose()
    assert [d for d in diff if "subscriptions_" in repr(d)] == []
    seeded = {(str(role), permission) for role, permission in rows}
    expected = {
        (role.value, permission)
        for role, permissions in ROLE_PERMISSIONS.items()
        for permission in permissions
        if permission.startswith("subscriptions.")
    }
    assert seeded == expected and len(expected) == 8
