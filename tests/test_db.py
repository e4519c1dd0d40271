"""The database layer: read-only sessions refuse to write and leave the data unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select

from shopkeeper.bootstrap import Container
from shopkeeper.db import WriteInReadOnlyTransaction
from shopkeeper.shops.models import Shop
from tests.builders import create_shop


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
