"""Events from other contexts: merged customers take their orders and promo uses along."""

from __future__ import annotations

import pytest

from shopkeeper import bus, identity, orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.promotions import PromoCodeCustomerLimitReached
from tests.builders import create_shop
from tests.builders.orders import create_customer, create_sellable, place_order
from tests.builders.promotions import create_promo_code


async def test_a_merged_customers_orders_and_code_uses_follow_the_survivor(
    container: Container,
) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop)
    code = await create_promo_code(container, shop=shop, max_uses_per_customer=1)
    survivor = await create_customer(container, shop=shop)
    container.clock.advance(seconds=1)  # type: ignore[attr-defined]
    merged = await create_customer(container, shop=shop)
    order = await place_order(
        container, shop=shop, items=[(product, 1)], customer_id=merged.id, promo_code=code.code
    )
    email = next(i.value for i in merged.identities)
    async with unit_of_work(container.sessions) as session:
        result = await identity.link_identity(
            session, shop_id=shop.id, customer_id=survivor.id, kind="email", value=email,
            now=container.clock.now(),
        )  # fmt: skip
    assert result.id == survivor.id
    await bus.drain(container)
    await bus.drain(container)  # redelivery changes nothing

    async with unit_of_work(container.sessions) as session:
        moved = await orders.get_order(session, shop_id=shop.id, order_id=order.id)
        page = await orders.list_orders(session, shop_id=shop.id, customer_id=survivor.id)
    assert moved.customer_id == survivor.id and [o.id for o in page.items] == [order.id]
    with pytest.raises(PromoCodeCustomerLimitReached):  # the merged record's use counts
        await place_order(
            container, shop=shop, items=[(product, 1)], customer_id=survivor.id,
            promo_code=code.code,
        )  # fmt: skip
