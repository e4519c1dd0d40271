"""Time passes: cancel at period end (and undo), past due within grace, expired, each once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shopkeeper import subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.scheduler import run_due_jobs
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions import (
    SubscriptionAlreadyPastDue,
    SubscriptionCancelScheduled,
    SubscriptionEnded,
    SubscriptionNotLive,
    SubscriptionPastDue,
    SubscriptionRead,
)
from shopkeeper.subscriptions.tasks import TASKS
from tests.builders import create_shop
from tests.builders.orders import create_customer
from tests.builders.subscriptions import buy, create_plan, events_of, only_subscription, run_expire

PERIOD_END = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


async def _subscribed(container: Container, **plan: object) -> tuple[ShopRead, SubscriptionRead]:
    shop = await create_shop(container)
    product = await create_plan(container, shop=shop, **plan)  # type: ignore[arg-type]
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=product, customer_id=customer.id)
    return shop, await only_subscription(container, shop=shop, customer_id=customer.id)


async def _now(container: Container, shop: ShopRead, sub: SubscriptionRead) -> SubscriptionRead:
    async with unit_of_work(container.sessions) as session:
        return await subscriptions.get_subscription(
            session, shop_id=shop.id, subscription_id=sub.id
        )


async def test_cancel_at_period_end_then_undo_then_cancel_ends_it_at_the_end(
    container: Container, clock: FrozenClock
) -> None:
    shop, sub = await _subscribed(container)
    ids = {"shop_id": shop.id, "subscription_id": sub.id}
    async with unit_of_work(container.sessions) as session:
        canceled = await subscriptions.cancel_at_period_end(session, **ids, now=clock.now())
        again = await subscriptions.cancel_at_period_end(session, **ids, now=clock.now())
    assert canceled.cancel_at_period_end and again.cancel_at_period_end
    assert canceled.status == "active"  # still runs until the end
    async with unit_of_work(container.sessions) as session:
        resumed = await subscriptions.undo_cancel(session, **ids, now=clock.now())
    assert not resumed.cancel_at_period_end and resumed.cancel_requested_at is None
    async with unit_of_work(container.sessions) as session:
        await subscriptions.cancel_at_period_end(session, **ids, now=clock.now())
    scheduled = await events_of(container, SubscriptionCancelScheduled.name, sub.id)
    assert [e["undone"] for e in scheduled] == [False, True, False]

    clock.advance(days=30)
    await run_expire(container)
    assert (await _now(container, shop, sub)).status == "active"
    clock.advance(days=1, seconds=1)
    await run_expire(container)
    await run_expire(container)

    ended = await _now(container, shop, sub)
    assert (ended.status, ended.ended_reason, ended.ended_at) == (
        "canceled",
        "canceled",
        PERIOD_END,
    )
    assert [e["reason"] for e in await events_of(container, SubscriptionEnded.name, sub.id)] == [
        "expired"
    ]
    assert await events_of(container, SubscriptionPastDue.name) == []  # no grace after a cancel
    with pytest.raises(SubscriptionNotLive):
        async with unit_of_work(container.sessions) as session:
            await subscriptions.undo_cancel(session, **ids, now=clock.now())


async def test_expiry_goes_past_due_then_expired_after_grace_published_once(
    container: Container, clock: FrozenClock
) -> None:
    shop, sub = await _subscribed(container, grace_days=3)
    clock.advance(days=31, seconds=1)

    await asyncio.gather(run_expire(container), run_expire(container))  # two workers

    due = await _now(container, shop, sub)
    assert (due.status, due.grace_until) == ("past_due", PERIOD_END + timedelta(days=3))
    past_due = await events_of(container, SubscriptionPastDue.name, sub.id)
    assert [e["grace_until"][:10] for e in past_due] == ["2026-02-04"]
    async with unit_of_work(container.sessions) as session:
        has = await subscriptions.has_active(
            session, shop_id=shop.id, customer_id=sub.customer_id, product_id=sub.product_id,
            now=clock.now(),
        )  # fmt: skip
        with pytest.raises(SubscriptionAlreadyPastDue):
            await subscriptions.cancel_at_period_end(
                session, shop_id=shop.id, subscription_id=sub.id, now=clock.now()
            )
    assert has  # access continues in grace

    clock.advance(days=3)
    for _ in range(3):
        await asyncio.gather(run_expire(container), run_expire(container))
        clock.advance(minutes=1)

    ended = await _now(container, shop, sub)
    assert (ended.status, ended.ended_reason) == ("expired", "expired")
    assert ended.ended_at == PERIOD_END + timedelta(days=3)
    assert [e["reason"] for e in await events_of(container, SubscriptionEnded.name, sub.id)] == [
        "expired"
    ]
    assert len(await events_of(container, SubscriptionPastDue.name, sub.id)) == 1


async def test_without_grace_it_expires_at_the_period_end(
    container: Container, clock: FrozenClock
) -> None:
    shop, sub = await _subscribed(container)
    clock.advance(days=31, seconds=1)

    ran = await run_due_jobs(container, tasks=TASKS)

    assert "subscriptions.expire" in ran
    ended = await _now(container, shop, sub)
    assert (ended.status, ended.ended_at) == ("expired", PERIOD_END)
    assert await events_of(container, SubscriptionPastDue.name) == []
    assert len(await events_of(container, SubscriptionEnded.name, sub.id)) == 1
    async with unit_of_work(container.sessions) as session:
        assert not await subscriptions.has_active(
            session, shop_id=shop.id, customer_id=sub.customer_id, product_id=sub.product_id
        )
        with pytest.raises(SubscriptionNotLive):
            await subscriptions.extend(
                session, shop_id=shop.id, subscription_id=sub.id, days=5, now=clock.now()
            )


async def test_a_long_outage_ends_a_subscription_whose_grace_is_over_already(
    container: Container, clock: FrozenClock
) -> None:
    shop, sub = await _subscribed(container, grace_days=2)
    clock.advance(days=40)

    await run_expire(container)

    ended = await _now(container, shop, sub)
    assert (ended.status, ended.ended_at) == ("expired", PERIOD_END + timedelta(days=2))
    assert await events_of(container, SubscriptionPastDue.name) == []
    assert len(await events_of(container, SubscriptionEnded.name, sub.id)) == 1


async def test_renewal_reference_switches_the_renewal_mode(
    container: Container, clock: FrozenClock
) -> None:
    shop, sub = await _subscribed(container)
    ids = {"shop_id": shop.id, "subscription_id": sub.id, "now": clock.now()}
    async with unit_of_work(container.sessions) as session:
        auto = await subscriptions.record_renewal_reference(
            session, **ids, provider="stripe", reference="sub_123"
        )
        manual = await subscriptions.record_renewal_reference(
            session, **ids, provider=None, reference=None
        )
    assert (auto.renewal, auto.renewal_provider, auto.renewal_reference) == (
        "auto", "stripe", "sub_123",
    )  # fmt: skip
    assert (manual.renewal, manual.renewal_provider, manual.renewal_reference) == (
        "manual", None, None,
    )  # fmt: skip
