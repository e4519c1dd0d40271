"""Each endpoint's newest delivery, for the admin's list: one query, per shop, newest wins."""

from __future__ import annotations

import uuid

from shopkeeper import bus, integrations
from shopkeeper.db import unit_of_work
from tests.builders.integrations import create_endpoint, publish_product_published
from tests.builders.staff import shop_with_owner


async def test_the_newest_delivery_of_each_endpoint_of_the_shop(
    container, client, clock, shop_owner, receiver
):
    first = await create_endpoint(client, shop=shop_owner.shop, staff=shop_owner.owner,
                                  url=receiver.url)  # fmt: skip
    quiet = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url,
        event_types=["orders.order_paid.v1"],
    )  # fmt: skip
    other_shop, other_owner = await shop_with_owner(container, client)
    await create_endpoint(client, shop=other_shop, staff=other_owner, url=receiver.url)
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)
    clock.advance(seconds=60)
    await publish_product_published(container, shop=shop_owner.shop)
    await publish_product_published(container, shop=other_shop)
    await bus.drain(container)

    async with unit_of_work(container.sessions) as session:
        latest = await integrations.latest_deliveries(session, shop_id=shop_owner.shop.id)
        log = await integrations.list_deliveries(
            session, shop_id=shop_owner.shop.id, endpoint_id=uuid.UUID(first["id"]), status=None,
            limit=10, offset=0,
        )  # fmt: skip

    assert {str(k) for k in latest} == {first["id"]}
    assert quiet["id"] not in {str(k) for k in latest}
    [only] = latest.values()
    assert log.total == 2 and only.id == log.items[0].id
    assert only.created_at > log.items[1].created_at
