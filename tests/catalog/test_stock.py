"""reserve_stock / release_stock: atomic, all or nothing, never below zero under concurrency."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from shopkeeper import catalog
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.catalog import OutOfStock, ProductRead, VariantNotFound
from shopkeeper.db import unit_of_work
from shopkeeper.errors import Unprocessable
from shopkeeper.shops import ShopRead
from tests.builders import create_shop
from tests.builders.catalog import create_product


async def stock_of(container: Container, shop: ShopRead, product: ProductRead) -> int | None:
    async with container.sessions() as session:
        read = await catalog.get_product(session, shop_id=shop.id, product_id=product.id)
    return read.variants[0].stock


async def reserve(container: Container, shop: ShopRead, items: list[tuple[uuid.UUID, int]]) -> None:
    async with unit_of_work(container.sessions) as session:
        await catalog.reserve_stock(session, shop_id=shop.id, items=items)


async def test_reserve_takes_stock_and_release_gives_it_back(container: Container) -> None:
    shop = await create_shop(container)
    mug = await create_product(container, shop=shop, stock=5)
    ebook = await create_product(container, shop=shop, kind="digital")
    vid = mug.variants[0].id
    await reserve(container, shop, [(vid, 2), (ebook.variants[0].id, 100), (vid, 1)])
    assert await stock_of(container, shop, mug) == 2
    assert await stock_of(container, shop, ebook) is None
    async with unit_of_work(container.sessions) as session:
        await catalog.release_stock(session, shop_id=shop.id, items=[(vid, 3), (uuid.uuid4(), 1)])
    assert await stock_of(container, shop, mug) == 5


async def test_a_shortfall_reserves_nothing_even_if_the_caller_commits(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plenty = await create_product(container, shop=shop, stock=10)
    scarce = await create_product(container, shop=shop, stock=1)
    items = [(plenty.variants[0].id, 3), (scarce.variants[0].id, 2)]
    async with unit_of_work(container.sessions) as session:
        with pytest.raises(OutOfStock) as short:
            await catalog.reserve_stock(session, shop_id=shop.id, items=items)
        # A careless caller carries on and commits: nothing may have been taken.
    assert short.value.sku == scarce.variants[0].sku and short.value.status_code == 409
    assert await stock_of(container, shop, plenty) == 10
    assert await stock_of(container, shop, scarce) == 1


async def test_unknown_or_foreign_variants_and_bad_quantities_are_refused(
    container: Container,
) -> None:
    shop = await create_shop(container)
    other = await create_shop(container)
    theirs = await create_product(container, shop=other, stock=5)
    with pytest.raises(VariantNotFound):
        await reserve(container, shop, [(theirs.variants[0].id, 1)])
    with pytest.raises(Unprocessable):
        await reserve(container, other, [(theirs.variants[0].id, 0)])
    assert await stock_of(container, other, theirs) == 5


async def test_reaching_zero_publishes_stock_depleted(container: Container) -> None:
    shop = await create_shop(container)
    mug = await create_product(container, shop=shop, stock=2)
    await reserve(container, shop, [(mug.variants[0].id, 1)])
    await reserve(container, shop, [(mug.variants[0].id, 1)])
    async with container.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.name == "catalog.stock_depleted.v1")
            )
        ).all()
    assert [r.payload["sku"] for r in rows] == [mug.variants[0].sku]
    assert rows[0].payload["variant_id"] == str(mug.variants[0].id)


async def test_concurrent_reservations_never_oversell(container: Container) -> None:
    """100 buyers, each in their own transaction, for 10 in stock: exactly 10 succeed."""
    shop = await create_shop(container)
    mug = await create_product(container, shop=shop, stock=10)
    variant_id = mug.variants[0].id

    async def buy() -> bool:
        try:
            await reserve(container, shop, [(variant_id, 1)])
        except OutOfStock:
            return False
        return True

    results = await asyncio.gather(*(buy() for _ in range(100)))
    assert results.count(True) == 10
    assert await stock_of(container, shop, mug) == 0


async def test_concurrent_multi_item_reservations_stay_all_or_nothing(
    container: Container,
) -> None:
    """Baskets of two SKUs in both orders: every success took both, no stock went negative."""
    shop = await create_shop(container)
    a = await create_product(container, shop=shop, stock=7)
    b = await create_product(container, shop=shop, stock=7)
    va, vb = a.variants[0].id, b.variants[0].id

    async def buy(index: int) -> bool:
        items = [(va, 1), (vb, 1)] if index % 2 else [(vb, 1), (va, 1)]
        try:
            await reserve(container, shop, items)
        except OutOfStock:
            return False
        return True

    results = await asyncio.gather(*(buy(i) for i in range(40)))
    assert results.count(True) == 7
    assert (await stock_of(container, shop, a), await stock_of(container, shop, b)) == (0, 0)
