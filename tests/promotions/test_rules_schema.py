"""The hand-written migration 0023 creates exactly the promotions table the model describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.models import Base


async def test_the_migrated_promotion_table_matches_the_model(database_url: str) -> None:
    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata), inspect(connection).get_table_names()

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff, tables = await connection.run_sync(differences)
    await engine.dispose()
    assert "promotions_promotion" in tables
    assert [d for d in diff if "promotions_promotion" in repr(d)] == []
