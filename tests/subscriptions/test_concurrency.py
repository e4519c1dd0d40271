"""Concurrent OrderPaid deliveries: every paid period counts, once, and one live subscription."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from shopkeeper import subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderPaid, OrderRead
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions import SubscriptionRenewed, SubscriptionStarted
from shopkeeper.subscriptions.handlers import on_order_paid
from tests.builders import create_shop
from tests.builders.orders import create_customer, mark_paid, place_order
from tests.builders.subscriptions import (
    buy,
    create_plan,
    drain,
    events_of,
    only_subscription,
    order_paid_event,
)


async def _paid(
    container: Container, shop: ShopRead, plan: ProductRead, customer_id: uuid.UUID
) -> OrderRead:
    order = await place_order(container, shop=shop, items=[(plan, 1)], customer_id=customer_id)
    return await mark_paid(container, order)


async def _handle(container: Container, event: OrderPaid) -> None:
    """One worker delivering the event: the handler in a transaction of its own."""
    async with unit_of_work(container.sessions) as session:
        await on_order_paid(event, session, container.clock)


async def _history(container: Container, shop: ShopRead, subscription_id: uuid.UUID) -> list[str]:
    async with unit_of_work(container.sessions) as session:
        detail = await subscriptions.get_subscription(
            session, shop_id=shop.id, subscription_id=subscription_id
        )
    return [h.kind for h in detail.history]


async def test_two_concurrent_payments_both_extend(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    orders = [await _paid(container, shop, plan, customer.id) for _ in range(2)]
    events = [await order_paid_event(container, order.id) for order in orders]

    await asyncio.gather(*(_handle(container, event) for event in events))

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.period_end == datetime(2026, 4, 1, 12, 0, tzinfo=UTC)  # 1 + 2 months, none lost
    assert len(await events_of(container, SubscriptionRenewed.name, sub.id)) == 2
    await drain(container)  # the bus delivers them too: already counted, nothing changes
    again = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert again.period_end == sub.period_end
    assert await _history(container, shop, sub.id) == ["payment"] * 3


async def test_concurrent_first_payments_make_one_subscription(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop, trial_days=10)
    customer = await create_customer(container, shop=shop)
    orders = [await _paid(container, shop, plan, customer.id) for _ in range(3)]
    events = [await order_paid_event(container, order.id) for order in orders]

    await asyncio.gather(*(_handle(container, event) for event in events))
    await asyncio.gather(*(_handle(container, event) for event in events))  # redelivered

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.status == "trialing"
    assert sub.period_end == datetime(2026, 4, 11, 12, 0, tzinfo=UTC)  # 10 days + 3 months
    assert len(await events_of(container, SubscriptionStarted.name)) == 1
    assert len(await events_of(container, SubscriptionRenewed.name)) == 2
    assert await _history(container, shop, sub.id) == ["payment"] * 3


async def test_one_order_delivered_by_two_workers_at_once_counts_once(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_plan(container, shop=shop)
    customer = await create_customer(container, shop=shop)
    await buy(container, shop=shop, plan=plan, customer_id=customer.id)
    order = await _paid(container, shop, plan, customer.id)
    event = await order_paid_event(container, order.id)

    await asyncio.gather(_handle(container, event), _handle(container, event))

    sub = await only_subscription(container, shop=shop, customer_id=customer.id)
    assert sub.period_end == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert await _history(container, shop, sub.id) == ["payment"] * 2
