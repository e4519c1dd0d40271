"""Unpaid orders expire: the scheduled task cancels them and gives back stock and promo uses."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from httpx import ASGITransport, AsyncClient

from shopkeeper import orders, promotions
from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.orders import OrderNotPayable, OrderRead
from shopkeeper.scheduler import run_due_jobs
from shopkeeper.shops import ShopRead
from tests.builders import create_shop, shop_with_owner
from tests.builders.orders import create_sellable, place_order, published, stock_of, variant_id
from tests.builders.promotions import create_promo_code
from tests.conftest import make_settings


async def _read(container: Container, order: OrderRead) -> OrderRead:
    async with unit_of_work(container.sessions) as session:
        return await orders.get_order(session, shop_id=order.shop_id, order_id=order.id)


async def _used(container: Container, shop: ShopRead, promo_code_id: uuid.UUID) -> int:
    async with unit_of_work(container.sessions) as session:
        code = await promotions.get_promo_code(
            session, shop_id=shop.id, promo_code_id=promo_code_id
        )
    return code.used_count


async def test_expiry_cancels_unpaid_orders_and_releases_stock_and_codes(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, kind="physical", stock=5)
    code = await create_promo_code(container, shop=shop, max_uses=1)
    stale = await place_order(container, shop=shop, items=[(product, 2)], promo_code=code.code)
    clock.advance(minutes=30)
    fresh = await place_order(container, shop=shop, items=[(product, 1)])
    assert (await stock_of(container, product), await _used(container, shop, code.id)) == (2, 1)

    clock.advance(minutes=29)
    await run_due_jobs(container)
    assert (await _read(container, stale)).state == "pending"

    clock.advance(minutes=2)  # the first order is now 61 minutes old
    assert "orders.expire_unpaid" in await run_due_jobs(container)
    expired = await _read(container, stale)
    assert (expired.state, expired.cancel_reason) == ("cancelled", "expired")
    assert expired.cancelled_at == clock.now()
    assert (await _read(container, fresh)).state == "pending"
    assert (await stock_of(container, product), await _used(container, shop, code.id)) == (4, 0)
    [event] = await published(container, "orders.order_cancelled.v1")
    assert (event["order_id"], event["reason"]) == (str(stale.id), "expired")

    reuse = await place_order(container, shop=shop, items=[(product, 1)], promo_code=code.code)
    assert reuse.discount > 0  # the single use came back

    with pytest.raises(OrderNotPayable, match="is expired"):
        async with unit_of_work(container.sessions) as session:
            await orders.mark_paid(
                session, shop_id=shop.id, order_id=stale.id, payment_id=uuid.uuid4(),
                amount=stale.total, now=clock.now(),
            )  # fmt: skip


async def test_one_run_expires_a_batch_across_shops_and_a_rerun_changes_nothing(
    container: Container, clock: FrozenClock
) -> None:
    shops = [await create_shop(container) for _ in range(2)]
    products = [
        await create_sellable(container, shop=shop, kind="physical", stock=9)
        for shop in shops for _ in range(2)
    ]  # fmt: skip
    a1, a2, b1, b2 = products
    for shop, items in ((shops[0], [(a1, 1), (a2, 2)]), (shops[0], [(a2, 1), (a1, 3)]),
                        (shops[1], [(b2, 4)]), (shops[1], [(b1, 1)])):  # fmt: skip
        await place_order(container, shop=shop, items=items)
    assert [await stock_of(container, p) for p in products] == [5, 6, 8, 5]
    clock.advance(hours=2)
    async with unit_of_work(container.sessions) as session:
        assert await orders.expire_unpaid(session, now=clock.now()) == 4
    async with unit_of_work(container.sessions) as session:
        assert await orders.expire_unpaid(session, now=clock.now()) == 0
    assert [await stock_of(container, p) for p in products] == [9, 9, 9, 9]
    assert len(await published(container, "orders.order_cancelled.v1")) == 4


async def test_paid_orders_never_expire(container: Container, clock: FrozenClock) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop)
    order = await place_order(container, shop=shop, items=[(product, 1)])
    async with unit_of_work(container.sessions) as session:
        await orders.mark_paid(
            session, shop_id=shop.id, order_id=order.id, payment_id=uuid.uuid4(),
            amount=order.total, now=clock.now(),
        )  # fmt: skip
    clock.advance(days=3)
    async with unit_of_work(container.sessions) as session:
        assert await orders.expire_unpaid(session, now=clock.now()) == 0
    assert (await _read(container, order)).state == "paid"


async def test_the_time_to_pay_is_a_setting(database_url: str, clock: FrozenClock) -> None:
    container = build_container(make_settings(database_url, order_ttl_minutes=15), clock=clock)
    transport = ASGITransport(app=create_app(container=container))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        shop, owner = await shop_with_owner(container, client)
        product = await create_sellable(container, shop=shop)
        response = await client.post(
            f"/api/v1/shops/{shop.slug}/orders",
            json={"items": [{"variant_id": str(variant_id(product))}]},
            headers=owner.headers,
        )
    await container.close()
    order = response.json()
    assert order["expires_at"] == (clock.now() + timedelta(minutes=15)).isoformat().replace(
        "+00:00", "Z"
    )
