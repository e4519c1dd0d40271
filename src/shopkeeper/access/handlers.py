"""What access does when purchases start or end: sources added to grants, or taken away."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.access.repository import TargetRepository
from shopkeeper.access.schemas import SourceType
from shopkeeper.access.service import engine
from shopkeeper.access.service.engine import Source
from shopkeeper.access.service.merging import merge_customer
from shopkeeper.access.strategies import strategies_of
from shopkeeper.bus.registry import HandlerTable
from shopkeeper.container import Container
from shopkeeper.identity.events import CustomersMerged
from shopkeeper.orders.events import OrderPaid, OrderRefunded
from shopkeeper.subscriptions.events import (
    SubscriptionEnded,
    SubscriptionPlanChanged,
    SubscriptionRenewed,
    SubscriptionStarted,
)

PLAN = "plan"  # plan lines grant through their subscription, not the order


async def on_order_paid(event: OrderPaid, session: AsyncSession, container: Container) -> None:
    """A one-time purchase grants its products' targets for good (until refunded)."""
    if event.customer_id is None:
        return
    product_ids = {line.product_id for line in event.lines if line.kind != PLAN}
    if not product_ids:
        return
    targets = await TargetRepository(session).for_products(
        event.shop_id, product_ids, active_only=True
    )
    await engine.add_source(
        session, strategies_of(container), shop_id=event.shop_id, customer_id=event.customer_id,
        target_ids=[t.id for t in targets], source=Source(SourceType.ORDER, event.order_id),
        now=container.clock.now(),
    )  # fmt: skip


async def on_order_refunded(
    event: OrderRefunded, session: AsyncSession, container: Container
) -> None:
    """A fully refunded order grants nothing any more (a partial refund keeps access)."""
    if not event.fully_refunded:
        return
    await engine.end_source(
        session, strategies_of(container), shop_id=event.shop_id,
        source=Source(SourceType.ORDER, event.order_id), reason="order refunded",
        now=container.clock.now(),
    )  # fmt: skip


async def on_subscription_active(
    event: SubscriptionStarted | SubscriptionRenewed, session: AsyncSession, container: Container
) -> None:
    """A running subscription grants its plan's targets (started, renewed: the same)."""
    targets = await TargetRepository(session).for_products(
        event.shop_id, [event.product_id], active_only=True
    )
    await engine.add_source(
        session, strategies_of(container), shop_id=event.shop_id, customer_id=event.customer_id,
        target_ids=[t.id for t in targets],
        source=Source(SourceType.SUBSCRIPTION, event.subscription_id), now=container.clock.now(),
    )  # fmt: skip


async def on_subscription_ended(
    event: SubscriptionEnded, session: AsyncSession, container: Container
) -> None:
    """The subscription's grants lose it; those with no other source are revoked."""
    await engine.end_source(
        session, strategies_of(container), shop_id=event.shop_id,
        source=Source(SourceType.SUBSCRIPTION, event.subscription_id),
        reason=f"subscription {event.reason}", now=container.clock.now(),
    )  # fmt: skip


async def on_plan_changed(
    event: SubscriptionPlanChanged, session: AsyncSession, container: Container
) -> None:
    """A subscription moved to another plan: the new plan's targets granted, the old plan's
    that the new one lacks taken away (a Discord tier role swapped for the next)."""
    targets = await TargetRepository(session).for_products(
        event.shop_id, [event.to_product_id], active_only=True
    )
    await engine.retarget_source(
        session, strategies_of(container), shop_id=event.shop_id, customer_id=event.customer_id,
        source=Source(SourceType.SUBSCRIPTION, event.subscription_id),
        target_ids=[t.id for t in targets], reason=f"subscription {event.direction}d",
        now=container.clock.now(),
    )  # fmt: skip


async def on_customers_merged(
    event: CustomersMerged, session: AsyncSession, container: Container
) -> None:
    """The merged-away record's grants follow the survivor (nobody is removed or messaged)."""
    await merge_customer(
        session, strategies_of(container), shop_id=event.shop_id,
        from_id=event.from_customer_id, into_id=event.into_customer_id,
        now=container.clock.now(),
    )  # fmt: skip


HANDLERS: HandlerTable = {
    CustomersMerged: [on_customers_merged],
    OrderPaid: [on_order_paid],
    OrderRefunded: [on_order_refunded],
    SubscriptionStarted: [on_subscription_active],
    SubscriptionRenewed: [on_subscription_active],
    SubscriptionEnded: [on_subscription_ended],
    SubscriptionPlanChanged: [on_plan_changed],
}
