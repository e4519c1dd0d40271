"""Platforms apply grants through registered strategies; without one a grant waits."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from shopkeeper import access, bus
from shopkeeper.access import GrantOutcome
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import Delivery
from shopkeeper.db import unit_of_work
from tests.builders import create_shop
from tests.builders.access import (
    FakeStrategy,
    create_target,
    ended,
    log_of,
    publish,
    started,
    the_grant,
)
from tests.builders.orders import create_customer, create_sellable, published

LINK_TELEGRAM = "link your Telegram account"


async def _subscribed(container: Container, platform: str = "telegram_chat"):
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    target = await create_target(
        container, shop=shop, platform=platform, external_id="-1001", products=[plan]
    )
    customer = await create_customer(container, shop=shop)
    subscription = uuid.uuid4()
    await publish(container, started(shop, customer.id, plan, subscription))
    return shop, plan, target, customer, subscription


async def test_no_adapter_means_pending_until_one_is_registered_and_resumed(
    container: Container,
) -> None:
    # As if Discord's adapter were not plugged in: its grants wait for it.
    container.extras[access.strategies.EXTRA_KEY].pop("discord_role")
    shop, _plan, target, customer, _sub = await _subscribed(container, platform="discord_role")
    await bus.drain(container)
    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.reason) == ("pending", "no adapter for discord_role")
    assert await published(container, "access.access_granted.v1") == []

    fake = FakeStrategy("discord_role")
    access.register_strategy(container, fake)
    async with unit_of_work(container.sessions) as session:
        changed = await access.resume_for_customer(
            session, container, shop_id=shop.id, customer_id=customer.id
        )
    assert changed == 1
    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.join_url, grant.reason) == ("granted", "https://t.me/+invite", "")
    [request] = fake.granted
    assert (request.grant_id, request.customer_id) == (grant.id, customer.id)
    assert (request.target.id, request.target.external_id) == (target.id, "-1001")
    [event] = await published(container, "access.access_granted.v1")
    assert event["join_url"] == "https://t.me/+invite"
    assert [e.action for e in await log_of(container, shop=shop)] == ["pending", "grant"]

    async with unit_of_work(container.sessions) as session:  # nothing left to resume
        again = await access.resume_for_customer(
            session, container, shop_id=shop.id, customer_id=customer.id
        )
    assert again == 0 and len(fake.granted) == 1


async def test_action_required_is_published_then_resolved_when_the_account_is_linked(
    container: Container,
) -> None:
    fake = FakeStrategy(
        "telegram_chat", GrantOutcome(state="action_required", reason=LINK_TELEGRAM)
    )
    access.register_strategy(container, fake)
    shop, _plan, _target, customer, _sub = await _subscribed(container)
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.reason) == ("action_required", LINK_TELEGRAM)
    [event] = await published(container, "access.action_required.v1")
    assert (event["reason"], event["grant_id"]) == (LINK_TELEGRAM, str(grant.id))
    [entry] = await log_of(container, shop=shop)
    assert (entry.action, entry.detail.endswith(LINK_TELEGRAM)) == ("action_required", True)

    async with unit_of_work(container.sessions) as session:  # still unlinked: no new event
        assert await access.resume_for_customer(
            session, container, shop_id=shop.id, customer_id=customer.id
        ) == 0  # fmt: skip
    assert len(await published(container, "access.action_required.v1")) == 1

    fake.outcome = GrantOutcome(state="granted", join_url="https://t.me/+abc")
    async with unit_of_work(container.sessions) as session:
        await access.resume_for_platform(
            session, container, shop_id=shop.id, platform="telegram_chat"
        )
    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "granted"
    assert [e.action for e in await log_of(container, shop=shop)] == ["action_required", "grant"]


async def test_revoking_asks_the_strategy_to_remove_the_customer(container: Container) -> None:
    fake = FakeStrategy("discord_role")
    access.register_strategy(container, fake)
    shop, plan, _target, customer, subscription = await _subscribed(container, "discord_role")
    await bus.drain(container)

    await publish(container, ended(shop, customer.id, plan, subscription))
    await bus.drain(container)

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    [removed] = fake.revoked
    assert (grant.state, removed.grant_id, removed.customer_id) == (
        "revoked",
        grant.id,
        customer.id,
    )


async def test_a_grant_that_never_went_through_is_revoked_without_the_platform(
    container: Container,
) -> None:
    shop, plan, _target, customer, subscription = await _subscribed(container)
    await bus.drain(container)  # pending: no adapter then
    fake = FakeStrategy("telegram_chat")
    access.register_strategy(container, fake)

    await publish(container, ended(shop, customer.id, plan, subscription))
    await bus.drain(container)

    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "revoked"
    assert fake.revoked == [] and fake.granted == []


async def test_a_failing_strategy_makes_the_bus_retry_and_leaves_no_half_grant(
    container: Container,
) -> None:
    fake = FakeStrategy("telegram_chat", fail=RuntimeError("Bot API is down"))
    access.register_strategy(container, fake)
    shop, _plan, _target, customer, _sub = await _subscribed(container)
    await bus.drain(container)

    async with unit_of_work(container.sessions) as session:
        failed = list(await session.scalars(select(Delivery)))
    assert [d.handler.rsplit(":", 1)[1] for d in failed] == ["on_subscription_active"]
    assert await _grants_count(container, shop.id) == 0

    fake.fail = None
    container.clock.advance(minutes=10)
    await bus.drain(container)
    assert (await the_grant(container, shop=shop, customer_id=customer.id)).state == "granted"


async def test_a_registered_strategy_replaces_a_built_in_one(container: Container) -> None:
    fake = FakeStrategy("course", GrantOutcome(state="granted", join_url="https://learn/x"))
    access.register_strategy(container, fake)
    shop, _plan, _target, customer, _sub = await _subscribed(container, "course")
    await bus.drain(container)
    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert (grant.state, grant.join_url, len(fake.granted)) == ("granted", "https://learn/x", 1)


async def _grants_count(container: Container, shop_id: uuid.UUID) -> int:
    async with unit_of_work(container.sessions) as session:
        page = await access.list_grants(session, shop_id=shop_id)
    return page.total
