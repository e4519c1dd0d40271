"""Builders for the subscriptions context: plans, paid plan orders, the jobs, what was published.

Plans are catalog products of kind "plan"; a purchase goes through the orders service
(`place_order` + `mark_paid`, as payments does) and the bus is drained, so the subscription
comes from the real OrderPaid handler. Each builder commits in its own unit of work.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from shopkeeper import bus, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import Delivery
from shopkeeper.catalog import PeriodUnit, PlanTerms, ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderPaid, OrderRead
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions import SubscriptionRead
from shopkeeper.subscriptions import tasks as subscription_tasks
from tests.builders.catalog import create_product
from tests.builders.orders import mark_paid, place_order, published

DAY_SECONDS = 86_400


async def create_plan(
    container: Container,
    *,
    shop: ShopRead,
    unit: PeriodUnit | str = PeriodUnit.MONTH,
    count: int = 1,
    trial_days: int = 0,
    grace_days: int = 0,
    price: int = 1000,
    currency: str = "EUR",
    name: str | None = None,
) -> ProductRead:
    """A published plan product: `count` × `unit` per period, priced `price` `currency`."""
    terms = PlanTerms(
        period_unit=PeriodUnit(unit), period_count=count, trial_days=trial_days,
        grace_days=grace_days,
    )  # fmt: skip
    return await create_product(
        container, shop=shop, kind="plan", name=name, prices={currency: price}, plan=terms
    )


async def drain(container: Container) -> None:
    """Deliver every event; a subscriptions handler that failed fails the test."""
    await bus.drain(container)
    async with unit_of_work(container.sessions) as session:
        failed = list(
            await session.scalars(
                select(Delivery).where(Delivery.handler.contains("subscriptions"))
            )
        )
    assert not failed, [(d.handler, d.last_error) for d in failed]


async def buy(
    container: Container,
    *,
    shop: ShopRead,
    plan: ProductRead,
    customer_id: uuid.UUID | None,
    quantity: int = 1,
    deliver: bool = True,
) -> OrderRead:
    """A paid order of `quantity` periods of `plan`; the bus drained unless `deliver` is False."""
    order = await place_order(
        container, shop=shop, items=[(plan, quantity)], customer_id=customer_id
    )
    paid = await mark_paid(container, order)
    if deliver:
        await drain(container)
    return paid


async def order_paid_event(container: Container, order_id: uuid.UUID) -> OrderPaid:
    """The OrderPaid the orders context published for `order_id` (from the outbox)."""
    payloads = await published(container, OrderPaid.name)
    return OrderPaid.model_validate(next(p for p in payloads if p["order_id"] == str(order_id)))


async def subscriptions_of(
    container: Container, *, shop: ShopRead, customer_id: uuid.UUID
) -> list[SubscriptionRead]:
    """All the customer's subscriptions (ended ones too), newest first."""
    async with unit_of_work(container.sessions) as session:
        page = await subscriptions.list_subscriptions(
            session, shop_id=shop.id, now=container.clock.now(), customer_id=customer_id
        )
    return page.items


async def only_subscription(
    container: Container, *, shop: ShopRead, customer_id: uuid.UUID
) -> SubscriptionRead:
    found = await subscriptions_of(container, shop=shop, customer_id=customer_id)
    assert len(found) == 1, found
    return found[0]


async def run_expire(container: Container) -> None:
    """The `subscriptions.expire` task, run once now in its own transaction."""
    async with unit_of_work(container.sessions) as session:
        await subscription_tasks.expire(session, container.clock.now())


async def run_remind(container: Container) -> None:
    """The `subscriptions.remind` task, run once now in its own transaction."""
    async with unit_of_work(container.sessions) as session:
        await subscription_tasks.remind(session, container.clock.now(), container.settings)


async def events_of(
    container: Container, name: str, subscription_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Payloads of the published events called `name` (about one subscription when given)."""
    payloads = await published(container, name)
    if subscription_id is None:
        return payloads
    return [p for p in payloads if p.get("subscription_id") == str(subscription_id)]
