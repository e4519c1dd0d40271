"""Reminders before the end and at expiry: once per (subscription, period end, kind)."""

from __future__ import annotations

import asyncio

from shopkeeper.bootstrap import Container
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.scheduler import run_due_jobs
from shopkeeper.subscriptions import SubscriptionReminderDue
from shopkeeper.subscriptions.tasks import TASKS
from tests.builders import create_shop
from tests.builders.orders import create_customer
from tests.builders.subscriptions import (
    buy,
    create_plan,
    events_of,
    only_subscription,
    run_expire,
    run_remind,
)
from tests.conftest import make_settings


async def _reminders(container: Container) -> list[tuple[str, str, int]]:
    return [
        (e["kind"], e["period_end"][:10], e["days_left"])
        for e in await events_of(container, SubscriptionReminderDue.name)
    ]


async def _twice(container: Container) -> None:
    """Two workers run the task at the same moment, each in its own transaction."""
    await asyncio.gather(run_remind(container), run_remind(container))


async def test_each_reminder_once_with_concurrent_workers_and_again_after_renewal(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, unit="day", count=10, grace_days=2)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)  # ends Jan 11

    await _twice(container)
    assert await _reminders(container) == []
    clock.advance(days=7, minutes=1)  # 2 days 23:59 left
    await _twice(container)
    await _twice(container)
    assert await _reminders(container) == [("before_3d", "2026-01-11", 3)]
    clock.advance(days=2)  # 23:59 left
    await _twice(container)
    clock.advance(hours=1)
    await _twice(container)
    assert (await _reminders(container))[1:] == [("before_1d", "2026-01-11", 1)]

    await buy(container, shop=shop, plan=plan, customer_id=customer.id)  # now ends Jan 21
    await _twice(container)
    assert len(await _reminders(container)) == 2
    clock.advance(days=8)  # Jan 18 13:01: 2 days 22:59 left
    await _twice(container)
    assert (await _reminders(container))[2:] == [("before_3d", "2026-01-21", 3)]


async def test_the_expired_reminder_is_sent_once_when_the_period_ends(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, unit="day", count=5, grace_days=3)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)  # ends Jan 6
    clock.advance(days=3)  # 2 days left
    await _twice(container)
    clock.advance(days=2, minutes=1)
    await run_expire(container)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.status == "past_due"

    await _twice(container)
    clock.advance(days=3)
    await run_expire(container)  # the grace is over too: still one "expired" reminder
    await _twice(container)

    kinds = [kind for kind, _, _ in await _reminders(container)]
    assert kinds == ["before_3d", "expired"]  # the 1-day one never ran before the end
    assert (await only_subscription(container, shop=shop, customer_id=customer.id)).status == (
        "expired"
    )


async def test_a_late_job_sends_only_the_most_urgent_reminder(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, unit="day", count=10)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    clock.advance(days=9, hours=12)  # the 3-day reminder was never sent

    await run_remind(container)
    await run_remind(container)

    assert await _reminders(container) == [("before_1d", "2026-01-11", 1)]


async def test_the_scheduled_task_uses_the_configured_days(
    database_url: str, clock: FrozenClock
) -> None:
    from shopkeeper.bootstrap import build_container

    settings = make_settings(database_url, subscription_reminder_days="7")
    container = build_container(settings, clock=clock)
    try:
        shop = await create_shop(container)
        plan = await create_plan(container, shop=shop, unit="day", count=10)
        customer = await create_customer(container, shop=shop)
        await buy(container, shop=shop, plan=plan, customer_id=customer.id)
        clock.advance(days=4)
        await asyncio.gather(
            run_due_jobs(container, tasks=TASKS), run_due_jobs(container, tasks=TASKS)
        )
        assert await _reminders(container) == [("before_7d", "2026-01-11", 6)]
        clock.advance(days=5, minutes=5)  # within 1 day, but 1 is not configured
        await run_due_jobs(container, tasks=TASKS)
        assert len(await _reminders(container)) == 1
    finally:
        await container.close()
    assert settings.subscription_reminder_days == [7]
    assert make_settings(database_url).subscription_reminder_days == [3, 1]
    none = make_settings(database_url, subscription_reminder_days="")
    assert none.subscription_reminder_days == []
