"""What adapters ask: a customer's channels, who is entitled, and membership logging."""

from __future__ import annotations

import uuid

import pytest

from shopkeeper import access, bus
from shopkeeper.access import InvalidLogAction, TargetNotFound
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.integrations import PUBLIC_EVENTS
from tests.builders import create_shop
from tests.builders.access import FakeStrategy, create_target, ended, log_of, publish, started
from tests.builders.orders import create_customer, create_sellable


async def test_customer_grants_and_entitlement_follow_the_sources(container: Container) -> None:
    access.register_strategy(container, FakeStrategy("telegram_chat"))
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    chat = await create_target(
        container, shop=shop, platform="telegram_chat", title="Alpha", products=[plan]
    )
    role = await create_target(container, shop=shop, platform="discord_role", title="Beta",
                               products=[plan])  # fmt: skip
    customer, outsider = [await create_customer(container, shop=shop) for _ in range(2)]
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, subscription))
    await bus.drain(container)

    async with unit_of_work(container.sessions) as session:
        mine = await access.customer_grants(session, shop_id=shop.id, customer_id=customer.id)
        entitled = await access.customers_with_grant(session, shop_id=shop.id, target_id=chat.id)
        inside = await access.has_active_grant(
            session, shop_id=shop.id, target_id=role.id, customer_id=customer.id
        )
        outside = await access.has_active_grant(
            session, shop_id=shop.id, target_id=chat.id, customer_id=outsider.id
        )
    assert [(g.title, g.state, g.join_url) for g in mine] == [
        ("Alpha", "granted", "https://t.me/+invite"),
        ("Beta", "pending", None),  # no Discord adapter yet: entitled, waiting
    ]
    assert (entitled, inside, outside) == ([customer.id], True, False)

    await publish(container, ended(shop, customer.id, plan, subscription))
    await bus.drain(container)
    async with unit_of_work(container.sessions) as session:
        assert await access.customer_grants(session, shop_id=shop.id, customer_id=customer.id) == []
        every = await access.customer_grants(
            session, shop_id=shop.id, customer_id=customer.id, include_revoked=True
        )
        assert {g.state for g in every} == {"revoked"}
        assert await access.customers_with_grant(session, shop_id=shop.id, target_id=chat.id) == []


async def test_adapters_log_joins_and_removals_against_the_grant(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    target = await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)
    await publish(container, started(shop, customer.id, plan, uuid.uuid4()))
    await bus.drain(container)

    async with unit_of_work(container.sessions) as session:
        now = container.clock.now()
        joined = await access.log_membership(
            session, shop_id=shop.id, target_id=target.id, customer_id=customer.id,
            action="join", detail="joined by invite link", now=now,
        )  # fmt: skip
        await access.log_membership(
            session, shop_id=shop.id, target_id=target.id, customer_id=None, action="removal",
            detail="telegram user 42 has no grant", now=now,
        )  # fmt: skip
    assert joined.grant_id is not None and joined.customer_id == customer.id
    log = await log_of(container, shop=shop)
    assert [(e.action, e.customer_id) for e in log] == [
        ("grant", customer.id), ("join", customer.id), ("removal", None),
    ]  # fmt: skip

    async with unit_of_work(container.sessions) as session:
        with pytest.raises(InvalidLogAction):
            await access.log_membership(
                session, shop_id=shop.id, target_id=target.id, customer_id=None, action="grant",
                now=now,
            )  # fmt: skip
        with pytest.raises(TargetNotFound):
            await access.log_membership(
                session, shop_id=shop.id, target_id=uuid.uuid4(), customer_id=None,
                action="join", now=now,
            )  # fmt: skip


def test_access_events_are_offered_to_outbound_webhooks() -> None:
    assert {
        "access.access_granted.v1",
        "access.action_required.v1",
        "access.access_revoked.v1",
    } <= set(PUBLIC_EVENTS)


async def test_several_targets_are_read_at_once_with_their_products(container: Container) -> None:
    shop, other = await create_shop(container), await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    chat = await create_target(container, shop=shop, platform="telegram_chat", title="Alpha",
                               products=[plan])  # fmt: skip
    role = await create_target(container, shop=shop, platform="discord_role", title="Beta")
    foreign = await create_target(container, shop=other, platform="discord_role", title="Gamma")

    async with unit_of_work(container.sessions) as session:
        found = await access.get_targets(
            session, shop_id=shop.id, target_ids=[chat.id, role.id, foreign.id, uuid.uuid4()]
        )
        none = await access.get_targets(session, shop_id=shop.id, target_ids=[])

    assert set(found) == {chat.id, role.id} and none == {}  # another shop's and unknown left out
    assert found[chat.id].product_ids == [plan.id] and found[role.id].product_ids == []
