"""Paying for a plan starts or extends a subscription: once per order, trial first, from the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from shopkeeper import bus, orders, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.subscriptions import SubscriptionEnded, SubscriptionRenewed, SubscriptionStarted
from tests.builders import create_shop, shop_with_owner
from tests.builders.orders import create_customer, create_sellable, mark_paid, place_order
from tests.builders.payments import deliver, refund, sandbox_secret, start
from tests.builders.subscriptions import (
    buy,
    create_plan,
    drain,
    events_of,
    only_subscription,
    order_paid_event,
    run_expire,
    subscriptions_of,
)
from tests.fakes.sandbox import webhook

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


async def test_a_paid_order_for_a_plan_starts_an_active_subscription(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, name="Premium")
    customer = await create_customer(container, shop=shop)

    order = await buy(container, shop=shop, plan=plan, customer_id=customer.id)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert (sub.status, sub.product_id, sub.started_at) == ("active", plan.id, START)
    assert sub.period_end == datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    assert (sub.trial_end, sub.cancel_at_period_end, sub.renewal) == (None, False, "manual")
    started = await events_of(container, SubscriptionStarted.name, sub.id)
    assert [(e["status"], e["order_id"]) for e in started] == [("active", str(order.id))]
    async with unit_of_work(container.sessions) as session:
        mine = await subscriptions.list_customer_subscriptions(
            session, shop_id=shop.id, customer_id=customer.id, now=container.clock.now()
        )
        detail = await subscriptions.get_subscription(
            session, shop_id=shop.id, subscription_id=sub.id
        )
        active = await subscriptions.has_active(
            session, shop_id=shop.id, customer_id=customer.id, product_id=plan.id,
            now=container.clock.now(),
        )  # fmt: skip
    assert [(m.plan_title, m.status, m.days_left, m.cancel_at_period_end) for m in mine] == [
        ("Premium", "active", 31, False)
    ]
    assert [(h.kind, h.order_id, h.periods, h.previous_end) for h in detail.history] == [
        ("payment", order.id, 1, None)
    ]
    assert active


async def test_paying_early_extends_from_the_current_end_not_from_now(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    clock.advance(days=10)

    second = await buy(container, shop=shop, plan=plan, customer_id=customer.id, quantity=2)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.period_end == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)  # Feb 1 + 2 months
    assert sub.started_at == START and sub.status == "active"
    renewed = await events_of(container, SubscriptionRenewed.name, sub.id)
    assert [(e["reason"], e["order_id"], e["period_end"][:10]) for e in renewed] == [
        ("payment", str(second.id), "2026-04-01")
    ]


async def test_a_redelivered_order_paid_changes_nothing(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    order = await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    before = await only_subscription(container, shop=shop, customer_id=customer.id)

    event = await order_paid_event(container, order.id)
    async with unit_of_work(container.sessions) as session:  # the same event, a new delivery
        bus.publish(session, event)
    await drain(container)

    after = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert after == before
    assert len(await events_of(container, SubscriptionStarted.name)) == 1
    assert await events_of(container, SubscriptionRenewed.name) == []
    async with unit_of_work(container.sessions) as session:
        detail = await subscriptions.get_subscription(
            session, shop_id=shop.id, subscription_id=after.id
        )
    assert len(detail.history) == 1


async def test_a_first_time_subscriber_gets_the_trial_then_the_paid_period(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, trial_days=7, unit="week", count=2)
    customer = await create_customer(container, shop=shop)

    await buy(container, shop=shop, plan=plan, customer_id=customer.id)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert (sub.status, sub.trial_end) == ("trialing", START + timedelta(days=7))
    assert sub.period_end == START + timedelta(days=7 + 14)
    assert [e["status"] for e in await events_of(container, SubscriptionStarted.name)] == [
        "trialing"
    ]
    clock.advance(days=7, seconds=1)
    await run_expire(container)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.status == "active" and sub.period_end == START + timedelta(days=21)

    async with unit_of_work(container.sessions) as session:  # ended, then bought again
        await subscriptions.revoke(
            session, shop_id=shop.id, subscription_id=sub.id, now=clock.now()
        )
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    again = (await subscriptions_of(container, shop=shop, customer_id=customer.id))[0]
    assert again.id != sub.id
    assert (again.status, again.trial_end) == ("active", None)  # no second trial
    assert again.period_end == clock.now() + timedelta(days=14)


async def test_paying_while_past_due_continues_from_the_old_end(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, unit="day", count=30, grace_days=5)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    clock.advance(days=32)
    await run_expire(container)
    assert (await only_subscription(container, shop=shop, customer_id=customer.id)).status == (
        "past_due"
    )

    await buy(container, shop=shop, plan=plan, customer_id=customer.id)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert (sub.status, sub.grace_until) == ("active", None)
    assert sub.period_end == START + timedelta(days=60)  # the grace days were not free


async def test_only_plan_lines_of_a_known_customer_count(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    other = await create_sellable(container, shop=shop, kind="digital")
    customer = await create_customer(container, shop=shop)
    order = await place_order(
        container, shop=shop, items=[(other, 1), (plan, 1)], customer_id=customer.id
    )
    await mark_paid(container, order)
    guest = await place_order(container, shop=shop, items=[(plan, 1)])
    await mark_paid(container, guest)
    await drain(container)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.product_id == plan.id
    async with unit_of_work(container.sessions) as session:
        page = await subscriptions.list_subscriptions(
            session, shop_id=shop.id, now=container.clock.now()
        )
    assert page.total == 1  # the guest's order started nothing (no customer to hold it)


async def test_sandbox_payment_starts_it_and_a_full_refund_ends_it(
    container: Container, client: AsyncClient, clock: FrozenClock
) -> None:
    shop, owner = await shop_with_owner(container, client)
    plan = await create_plan(container, shop=shop, price=900)
    customer = await create_customer(container, shop=shop)
    order = await place_order(container, shop=shop, items=[(plan, 1)], customer_id=customer.id)
    payment = await start(client, shop=shop, staff=owner, order_id=order.id)
    body, headers = webhook(
        await sandbox_secret(container, shop=shop), "payment.succeeded",
        payment_id=payment["payment_id"], amount=900, currency="EUR", at=clock.now(),
    )  # fmt: skip
    response = await deliver(client, shop=shop, provider="sandbox", body=body, headers=headers)
    assert response.status_code == 200, response.text
    await drain(container)
    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.status == "active"

    clock.advance(minutes=5)  # the owner's access token lives 15 minutes
    refunded = await refund(client, shop=shop, staff=owner, order_id=order.id)
    assert refunded.status_code == 201, refunded.text
    await drain(container)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert (sub.status, sub.ended_reason, sub.ended_at) == ("canceled", "refunded", clock.now())
    ended = await events_of(container, SubscriptionEnded.name, sub.id)
    assert [e["reason"] for e in ended] == ["revoked"]


async def test_refunding_an_early_renewal_moves_the_end_back(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    clock.advance(days=20)
    renewal = await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    async with unit_of_work(container.sessions) as session:
        await orders.record_refund(
            session, shop_id=shop.id, order_id=renewal.id, refund_id=renewal.id,
            amount=renewal.total, now=clock.now(),
        )  # fmt: skip
    await drain(container)

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert (sub.status, sub.period_end) == ("active", datetime(2026, 2, 1, 12, tzinfo=UTC))
    assert await events_of(container, SubscriptionEnded.name) == []
