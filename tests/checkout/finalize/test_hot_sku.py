"""The hot SKU on PostgreSQL: 100 in stock, 500 shoppers finalising at once → exactly 100
orders, stock 0, never below; the 400 others are refused and keep their carts."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from httpx import AsyncClient

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.catalog.service.stock import set_stock
from shopkeeper.db import unit_of_work
from tests.checkout.finalize.support import (
    enable_sandbox,
    finalize,
    get_ready,
    new_cart,
    order_count,
    stock_of,
)
from tests.checkout.session.support import Store
from tests.conftest import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="row locks under real concurrency")

STOCK, SHOPPERS, AT_ONCE = 100, 500, 50


@pytest.mark.timeout(600)  # 500 shoppers set up over HTTP first
async def test_five_hundred_finalisations_of_a_hundred_in_stock_make_a_hundred_orders(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    async with unit_of_work(container.sessions) as session:
        await set_stock(
            session, shop_id=store.shop.id, product_id=store.lamp.id,
            variant_id=store.lamp.variants[0].id, stock=STOCK, reason="stocktake",
            actor=Actor.system("tests"), now=container.clock.now(),
        )  # fmt: skip
    gate = asyncio.Semaphore(AT_ONCE)

    async def shopper() -> tuple[str, dict[str, object]]:
        async with gate:
            token = await new_cart(client, store, store.lamp)
            return token, await get_ready(client, store, token)

    ready = await asyncio.gather(*(shopper() for _ in range(SHOPPERS)))
    start = asyncio.Event()

    async def finalise(token: str, summary: dict[str, object]) -> int:
        await start.wait()
        async with gate:
            return (await finalize(client, store, token, summary)).status_code

    tasks = [asyncio.create_task(finalise(token, summary)) for token, summary in ready]
    start.set()
    answers = Counter(await asyncio.gather(*tasks))

    assert answers[201] == STOCK, answers
    assert answers[201] + answers[409] + answers[422] == SHOPPERS, answers
    assert await stock_of(container, store.lamp) == 0
    assert await order_count(container, store.shop) == STOCK
