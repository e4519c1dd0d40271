"""The database layer: read-only sessions refuse to write and leave the data unchanged;
pooled PostgreSQL connections the server dropped are replaced before use."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper import db
from shopkeeper.bootstrap import Container
from shopkeeper.db import WriteInReadOnlyTransaction
from shopkeeper.shops.models import Shop
from tests.builders import create_shop
from tests.conftest import PG_URL, on_postgres


async def test_a_read_only_session_reads_but_refuses_any_write(container: Container) -> None:
    shop = await create_shop(container)
    async with container.readers() as session:
        assert await session.scalar(select(Shop.slug).where(Shop.id == shop.id)) == shop.slug
        with pytest.raises(WriteInReadOnlyTransaction):
            await session.execute(
                insert(Shop).values(id=shop.id, slug="intruder", name="x", currency="EUR")
            )
        await session.rollback()
    async with container.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Shop)) == 1


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL connection pool")
async def test_a_pooled_connection_the_server_dropped_is_replaced_before_use(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with container.sessions() as session:
        dropped = await session.scalar(select(func.pg_backend_pid()))
    async with container.sessions() as session:  # the same pooled connection, not pinged
        assert await session.scalar(select(func.pg_backend_pid())) == dropped
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(select(func.pg_terminate_backend(dropped)))
    await admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if idle for a while

    async with container.sessions() as session:
        assert await session.scalar(select(func.pg_backend_pid())) not in (None, dropped)
