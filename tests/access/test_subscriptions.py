"""Subscriptions grant while they run; a grant is revoked only when no other source holds it."""

from __future__ import annotations

import uuid

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from tests.builders import create_shop
from tests.builders.access import (
    create_target,
    ended,
    grants_of,
    log_of,
    paid_order,
    publish,
    renewed,
    started,
    the_grant,
)
from tests.builders.orders import create_customer, create_sellable, published

GRANTED = "access.access_granted.v1"
REVOKED = "access.access_revoked.v1"


async def test_a_plan_grants_when_it_starts_and_revokes_when_it_ends(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    target = await create_target(container, shop=shop, products=[plan], title="VIP")
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()

    await publish(container, started(shop, customer.id, plan, subscription))
    await bus.drain(container)
    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.target_id, grant.granted_at) == (
        "granted", target.id, container.clock.now()
    )  # fmt: skip

    container.clock.advance(days=31)
    await publish(container, ended(shop, customer.id, plan, subscription))
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.reason, grant.revoked_at) == (
        "revoked", "subscription expired", container.clock.now()
    )  # fmt: skip
    [revoked] = await published(container, REVOKED)
    assert revoked["reason"] == "subscription expired" and revoked["title"] == "VIP"
    assert len(await published(container, GRANTED)) == 1
    log = await log_of(container, shop=shop)
    assert [(e.action, e.grant_id) for e in log] == [("grant", grant.id), ("revoke", grant.id)]


async def test_a_renewal_and_a_redelivered_start_change_nothing(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, subscription))
    await bus.drain(container)
    before = await the_grant(container, shop=shop, customer_id=customer.id)

    container.clock.advance(days=30)
    await publish(
        container,
        renewed(shop, customer.id, plan, subscription),
        started(shop, customer.id, plan, subscription),
    )
    await bus.drain(container)

    assert await the_grant(container, shop=shop, customer_id=customer.id) == before
    assert len(await published(container, GRANTED)) == 1
    assert [e.action for e in await log_of(container, shop=shop)] == ["grant"]


async def test_a_one_time_purchase_outlives_the_subscription(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    lifetime = await create_sellable(container, shop=shop, kind="digital", name="Lifetime pass")
    await create_target(container, shop=shop, products=[plan, lifetime])
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, subscription))
    order = await paid_order(container, shop=shop, customer_id=customer.id, products=[lifetime])
    await bus.drain(container)

    await publish(container, ended(shop, customer.id, plan, subscription))
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert grant.state == "granted"
    assert {(s.source_type, s.source_id, s.active) for s in grant.sources} == {
        ("subscription", subscription, False),
        ("order", order.id, True),
    }
    assert await published(container, REVOKED) == []
    assert len(await published(container, GRANTED)) == 1


async def test_two_plans_giving_the_same_chat_revoke_only_when_both_end(
    container: Container,
) -> None:
    shop = await create_shop(container)
    monthly = await create_sellable(container, shop=shop, kind="plan", name="Monthly")
    yearly = await create_sellable(container, shop=shop, kind="plan", name="Yearly")
    await create_target(container, shop=shop, products=[monthly, yearly])
    other_only = await create_target(container, shop=shop, products=[yearly])
    customer = await create_customer(container, shop=shop)
    first, second = uuid.uuid4(), uuid.uuid4()
    await publish(
        container,
        started(shop, customer.id, monthly, first),
        started(shop, customer.id, yearly, second),
    )
    await bus.drain(container)

    await publish(container, ended(shop, customer.id, monthly, first))
    await bus.drain(container)
    states = {
        g.target_id == other_only.id: g.state
        for g in await grants_of(container, shop=shop, customer_id=customer.id)
    }
    assert states == {False: "granted", True: "granted"}

    await publish(container, ended(shop, customer.id, yearly, second))
    await bus.drain(container)
    assert {g.state for g in await grants_of(container, shop=shop, customer_id=customer.id)} == {
        "revoked"
    }
    assert len(await published(container, REVOKED)) == 2


async def test_access_comes_back_when_a_new_subscription_starts(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)
    old, new = uuid.uuid4(), uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, old))
    await bus.drain(container)
    await publish(container, ended(shop, customer.id, plan, old))
    await bus.drain(container)

    container.clock.advance(days=3)
    await publish(container, started(shop, customer.id, plan, new))
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.revoked_at, grant.granted_at) == (
        "granted", None, container.clock.now()
    )  # fmt: skip
    assert [e.action for e in await log_of(container, shop=shop)] == ["grant", "revoke", "grant"]
    assert len(await published(container, GRANTED)) == 2


async def test_an_ended_subscription_of_another_shop_touches_nothing(container: Container) -> None:
    shop, other = await create_shop(container), await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, subscription))
    await bus.drain(container)

    await publish(container, ended(other, customer.id, plan, subscription))
    await bus.drain(container)
    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "granted"
