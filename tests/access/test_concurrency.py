"""Concurrent events for one customer and target: one grant, no source lost, one event."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from shopkeeper.access import handlers
from shopkeeper.bootstrap import Container
from shopkeeper.bus import Event
from shopkeeper.db import unit_of_work
from tests.builders import create_shop
from tests.builders.access import create_target, ended, grants_of, log_of, started, the_grant
from tests.builders.orders import create_customer, create_sellable, published

Handler = Callable[..., Awaitable[None]]


async def _handle(container: Container, handler: Handler, event: Event) -> None:
    """One handler run in its own transaction, as a bus worker runs it."""
    async with unit_of_work(container.sessions) as session:
        await handler(event, session, container)


async def test_twenty_subscriptions_starting_at_once_make_one_grant(container: Container) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    await create_target(container, shop=shop, products=[plan])
    customer = await create_customer(container, shop=shop)
    subscriptions = [uuid.uuid4() for _ in range(20)]

    await asyncio.gather(
        *(
            _handle(container, handlers.on_subscription_active, started(shop, customer.id, plan, s))
            for s in subscriptions
        )
    )

    grant = await the_grant(container, shop=shop, customer_id=customer.id)
    assert grant.state == "granted"
    assert sorted(s.source_id for s in grant.sources if s.active) == sorted(subscriptions)
    assert len(await published(container, "access.access_granted.v1")) == 1
    assert [e.action for e in await log_of(container, shop=shop)] == ["grant"]


async def test_one_subscription_ending_while_another_starts_keeps_the_grant(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_sellable(container, shop=shop, kind="plan")
    await create_target(container, shop=shop, products=[plan])
    customers = [await create_customer(container, shop=shop) for _ in range(5)]
    olds = {c.id: uuid.uuid4() for c in customers}
    for customer in customers:
        event = started(shop, customer.id, plan, olds[customer.id])
        await _handle(container, handlers.on_subscription_active, event)

    runs = []
    for customer in customers:  # each customer: the old one ends as a new one starts
        end = ended(shop, customer.id, plan, olds[customer.id])
        start = started(shop, customer.id, plan, uuid.uuid4())
        runs += [
            _handle(container, handlers.on_subscription_ended, end),
            _handle(container, handlers.on_subscription_active, start),
        ]
    await asyncio.gather(*runs)

    grants = await grants_of(container, shop=shop)
    assert len(grants) == len(customers)
    for grant in grants:
        active = [s for s in grant.sources if s.active]
        assert len(active) == 1 and active[0].source_id != olds[grant.customer_id]
        assert grant.state == "granted"  # possibly revoked then granted again, never left out
