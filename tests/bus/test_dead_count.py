"""`bus.dead_count`: the deliveries given up on, all of them or those of one shop's events."""

from __future__ import annotations

import uuid

from shopkeeper.bootstrap import build_container
from shopkeeper.bus import build_registry, dead_count, drain, publish
from shopkeeper.db import unit_of_work
from tests.bus import support
from tests.conftest import make_settings


async def test_dead_deliveries_are_counted_per_shop(database_url: str) -> None:
    settings = make_settings(database_url, event_retry_base_seconds=0, event_max_attempts=2)
    container = build_container(settings)
    handlers = {support.ShopThingFailed: [support.on_shop_thing_failed],
                support.ThingFailed: [support.on_thing_failed]}  # fmt: skip
    registry = build_registry({"failing": handlers})
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    try:
        async with unit_of_work(container.sessions) as session:
            for shop_id in (ours, ours, theirs):
                publish(session, support.ShopThingFailed(shop_id=shop_id))
            publish(session, support.ThingFailed(thing_id=ours))  # names no shop
        await drain(container, registry)
        async with container.sessions() as session:
            assert await dead_count(session, shop_id=ours) == 2
            assert await dead_count(session, shop_id=theirs) == 1
            assert await dead_count(session, shop_id=uuid.uuid4()) == 0
            assert await dead_count(session) == 4
    finally:
        await container.close()
