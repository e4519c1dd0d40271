"""Two customer records of one person merge: grants follow the survivor, nobody is removed."""

from __future__ import annotations

import uuid

from shopkeeper import bus, identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.builders import create_shop
from tests.builders.access import create_target, ended, grants_of, paid_order, publish, started
from tests.builders.orders import create_customer, create_sellable, published


async def test_grants_follow_the_surviving_customer_without_a_removal(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    course = await create_sellable(container, shop=shop, kind="digital")
    room = await create_target(container, shop=shop, products=[plan, course], title="Room")
    extra = await create_target(container, shop=shop, products=[plan], title="Extra")
    older = await create_customer(container, shop=shop)  # bought the course on the web
    await paid_order(container, shop=shop, customer_id=older.id, products=[course])
    async with unit_of_work(container.sessions) as session:  # subscribed in the bot
        newer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="telegram", value="4242", now=container.clock.now()
        )
    subscription = uuid.uuid4()
    await publish(container, started(shop, newer.id, plan, subscription))
    await bus.drain(container)
    granted_before = len(await published(container, "access.access_granted.v1"))

    async with unit_of_work(container.sessions) as session:  # the web customer links Telegram
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=older.id, kind="telegram", value="4242",
            now=container.clock.now(),
        )  # fmt: skip
    await bus.drain(container)

    survivor = {g.target_id: g for g in await grants_of(container, shop=shop, customer_id=older.id)}
    assert {t: g.state for t, g in survivor.items()} == {room.id: "granted", extra.id: "granted"}
    merged = await grants_of(container, shop=shop, customer_id=newer.id)
    assert {g.state for g in merged} == {"revoked"}
    assert all(g.reason == f"merged into customer {older.id}" for g in merged)
    assert await published(container, "access.access_revoked.v1") == []
    assert len(await published(container, "access.access_granted.v1")) == granted_before

    await publish(container, ended(shop, older.id, plan, subscription))
    await bus.drain(container)
    after = {
        g.target_id: g.state for g in await grants_of(container, shop=shop, customer_id=older.id)
    }
    assert after == {room.id: "granted", extra.id: "revoked"}  # the course still holds the room
