"""Merged customers: subscriptions follow the survivor; one live per plan stays (the later end)."""

from __future__ import annotations

from shopkeeper import identity, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.subscriptions import SubscriptionEnded
from tests.builders import create_shop
from tests.builders.orders import create_customer
from tests.builders.subscriptions import (
    buy,
    create_plan,
    drain,
    events_of,
    only_subscription,
    subscriptions_of,
)


async def test_merged_customers_subscriptions_follow_the_survivor(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    shared, own = await create_plan(container, shop=shop), await create_plan(container, shop=shop)
    survivor = await create_customer(container, shop=shop)
    clock.advance(seconds=1)
    merged = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=shared, customer_id=survivor.id)  # ends Feb 1
    await buy(container, shop=shop, plan=shared, customer_id=merged.id, quantity=2)  # ends Mar 1
    await buy(container, shop=shop, plan=own, customer_id=merged.id)
    shorter = await only_subscription(container, shop=shop, customer_id=survivor.id)
    email = next(i.value for i in merged.identities)

    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=survivor.id, kind="email", value=email,
            now=clock.now(),
        )  # fmt: skip
    await drain(container)
    await drain(container)

    assert await subscriptions_of(container, shop=shop, customer_id=merged.id) == []
    mine = await subscriptions_of(container, shop=shop, customer_id=survivor.id)
    live = {(s.product_id, s.period_end.month) for s in mine if s.status == "active"}
    assert live == {(shared.id, 3), (own.id, 2)}
    ended = next(s for s in mine if s.id == shorter.id)
    assert (ended.status, ended.ended_reason) == ("canceled", "merged")
    assert [e["reason"] for e in await events_of(container, SubscriptionEnded.name)] == ["revoked"]
    async with unit_of_work(container.sessions) as session:
        view = await subscriptions.list_customer_subscriptions(
            session, shop_id=shop.id, customer_id=survivor.id, now=clock.now()
        )
    assert len(view) == 2
