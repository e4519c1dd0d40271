"""Win-back reacts to subscriptions and orders: an expiry schedules the shop's chain; a paid
order, a new or renewed subscription stops what is left of the customer's chains."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.kit.clock import Clock
from shopkeeper.notifications.winback.service import cancel_chain, schedule_chain
from shopkeeper.orders.events import OrderPaid
from shopkeeper.subscriptions.events import (
    SubscriptionEnded,
    SubscriptionRenewed,
    SubscriptionStarted,
)


async def on_subscription_ended(
    event: SubscriptionEnded, session: AsyncSession, clock: Clock, event_id: uuid.UUID
) -> None:
    """Only an expiry starts a chain: a subscription revoked by staff is not won back."""
    if event.reason != "expired":
        return
    await schedule_chain(
        session, shop_id=event.shop_id, customer_id=event.customer_id,
        subscription_id=event.subscription_id, product_id=event.product_id,
        expiry_event_id=event_id, now=clock.now(),
    )  # fmt: skip


async def on_order_paid(event: OrderPaid, session: AsyncSession, clock: Clock) -> None:
    if event.customer_id is not None:
        await cancel_chain(
            session, shop_id=event.shop_id, customer_id=event.customer_id, now=clock.now()
        )


async def on_subscription_back(
    event: SubscriptionStarted | SubscriptionRenewed, session: AsyncSession, clock: Clock
) -> None:
    await cancel_chain(
        session, shop_id=event.shop_id, customer_id=event.customer_id, now=clock.now()
    )


HANDLERS: HandlerTable = {
    SubscriptionEnded: [on_subscription_ended],
    OrderPaid: [on_order_paid],
    SubscriptionStarted: [on_subscription_back],
    SubscriptionRenewed: [on_subscription_back],
}
