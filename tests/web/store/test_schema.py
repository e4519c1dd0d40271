"""The hand-written migration creates exactly the storefront tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.models import Base


async def test_migrated_storefront_tables_match_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    ours = [d for d in diff if "store_" in repr(d)]
    assert ours == []
