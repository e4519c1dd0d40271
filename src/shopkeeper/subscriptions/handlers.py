"""What subscriptions does when other contexts' events arrive."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.events import CustomersMerged
from shopkeeper.kit.clock import Clock
from shopkeeper.orders.events import OrderCancelled, OrderEventLine, OrderPaid, OrderRefunded
from shopkeeper.payments.events import PaymentFailed, PaymentSucceeded, RecurringEnded
from shopkeeper.subscriptions.service import followups, plan_switch, purchases, renewals

log = structlog.get_logger(__name__)


def plan_quantities(lines: Iterable[OrderEventLine]) -> dict[uuid.UUID, int]:
    """Periods bought per plan: lines of kind "plan", quantities of one plan's variants summed."""
    bought: dict[uuid.UUID, int] = {}
    for line in lines:
        if line.kind == "plan" and line.quantity > 0:
            bought[line.product_id] = bought.get(line.product_id, 0) + line.quantity
    return bought


async def on_order_paid(event: OrderPaid, session: AsyncSession, clock: Clock) -> None:
    """Each plan line starts or extends the customer's subscription (quantity q: q periods);
    an upgrade's order switches its subscription to the new plan instead."""
    bought = plan_quantities(event.lines)
    if not bought:
        return
    if switched := await plan_switch.settle_paid_order(
        session, shop_id=event.shop_id, order_id=event.order_id, now=clock.now()
    ):
        await renewals.record_from_order(
            session, shop_id=event.shop_id, subscription_id=switched, order_id=event.order_id,
            now=clock.now(),
        )  # fmt: skip
        return
    if event.customer_id is None:
        log.warning("subscriptions.plan_without_customer", order_id=str(event.order_id))
        return
    for product_id, periods in sorted(bought.items()):  # one lock order across workers
        subscription = await purchases.start_or_extend(
            session, shop_id=event.shop_id, customer_id=event.customer_id,
            product_id=product_id, order_id=event.order_id, periods=periods, now=clock.now(),
        )  # fmt: skip
        if len(bought) == 1:  # a gateway renews one plan by itself (a saved method, its own)
            await renewals.record_from_order(
                session, shop_id=event.shop_id, subscription_id=subscription.id,
                order_id=event.order_id, now=clock.now(),
            )  # fmt: skip


async def on_order_cancelled(event: OrderCancelled, session: AsyncSession, clock: Clock) -> None:
    """An upgrade's order cancelled or expired unpaid: the upgrade is off."""
    await plan_switch.order_closed(
        session, shop_id=event.shop_id, order_id=event.order_id, reason=event.reason,
        now=clock.now(),
    )  # fmt: skip


async def on_order_refunded(event: OrderRefunded, session: AsyncSession, clock: Clock) -> None:
    """A fully refunded order takes back the time it bought (see `undo_refunded_order`)."""
    if not event.fully_refunded:
        return
    await followups.undo_refunded_order(
        session, shop_id=event.shop_id, order_id=event.order_id, now=clock.now()
    )


async def on_customers_merged(event: CustomersMerged, session: AsyncSession, clock: Clock) -> None:
    """The merged customer's subscriptions follow the survivor (twice changes nothing)."""
    await followups.merge_customers(
        session, shop_id=event.shop_id, from_id=event.from_customer_id,
        into_id=event.into_customer_id, now=clock.now(),
    )  # fmt: skip


async def on_payment_succeeded(
    event: PaymentSucceeded, session: AsyncSession, clock: Clock
) -> None:
    """A renewal order's charge went through (the order's OrderPaid extends the period)."""
    await renewals.charge_settled(
        session, shop_id=event.shop_id, order_id=event.order_id, paid=event.applied,
        reason=None if event.applied else "the renewal order could not take the money",
        now=clock.now(), payment_id=event.payment_id,
    )  # fmt: skip


async def on_payment_failed(event: PaymentFailed, session: AsyncSession, clock: Clock) -> None:
    """A renewal order's charge was declined: the subscription renews by reminders."""
    await renewals.charge_settled(
        session, shop_id=event.shop_id, order_id=event.order_id, paid=False,
        reason=event.reason or event.status, now=clock.now(), payment_id=event.payment_id,
    )  # fmt: skip


async def on_recurring_ended(event: RecurringEnded, session: AsyncSession, clock: Clock) -> None:
    """The gateway's own subscription ended: what renewed through it renews by reminders."""
    await renewals.recurring_ended(
        session, shop_id=event.shop_id, provider=event.provider, reference=event.reference,
        reason=event.reason, now=clock.now(),
    )  # fmt: skip


HANDLERS = {
    OrderPaid: [on_order_paid],
    OrderCancelled: [on_order_cancelled],
    OrderRefunded: [on_order_refunded],
    CustomersMerged: [on_customers_merged],
    PaymentSucceeded: [on_payment_succeeded],
    PaymentFailed: [on_payment_failed],
    RecurringEnded: [on_recurring_ended],
}
