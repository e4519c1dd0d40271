"""The hand-written migration creates exactly the access tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.models import Base


async def test_migrated_access_tables_match_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    ours = [d for d in diff if "access_" in repr(d)]
    assert ours == []
