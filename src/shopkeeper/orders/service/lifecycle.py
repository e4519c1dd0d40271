"""Moving an order through its states: paid, refunded, fulfilled, cancelled, expired.

Each transition locks the order's row first (SELECT … FOR UPDATE), so a payment and an
expiry, or two deliveries of one webhook, are decided one after the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus, catalog, promotions
from shopkeeper.audit import Actor
from shopkeeper.kit.ids import new_id
from shopkeeper.orders import states
from shopkeeper.orders.errors import (
    InvalidAmount,
    OrderNotFound,
    OrderNotPayable,
    PaymentAmountMismatch,
    RefundExceedsPaid,
)
from shopkeeper.orders.events import OrderCancelled, OrderFulfilled, OrderPaid, OrderRefunded
from shopkeeper.orders.models import Order, OrderRefund
from shopkeeper.orders.repository import OrderRepository, RefundRepository
from shopkeeper.orders.sales_rollup import SalesRollup, paid_deltas, refund_deltas
from shopkeeper.orders.schemas import OrderRead, OrderState
from shopkeeper.orders.service.reads import event_lines, to_read

EXPIRED = "expired"
EXPIRY_BATCH = 500


async def _locked(session: AsyncSession, shop_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    order = await OrderRepository(session).get(shop_id, order_id, for_update=True)
    if order is None:
        raise OrderNotFound()
    return order


async def mark_paid(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    order_id: uuid.UUID,
    payment_id: uuid.UUID,
    amount: int,
    now: datetime,
) -> OrderRead:
    """pending → paid for exactly the order's total; the same payment again changes nothing.

    Money for an order that cannot take it (cancelled, expired, paid by another payment)
    raises OrderNotPayable: the caller keeps the money on record and refunds or flags it.
    Either the order is paid by one `UPDATE … WHERE state = 'pending' … RETURNING` (which
    takes the row lock) or the call raises having written nothing, so a caller needs no
    savepoint to survive a refusal.
    """
    repo = OrderRepository(session)
    paid = await repo.pay_pending(shop_id, order_id, payment_id=payment_id, amount=amount, now=now)
    if paid is not None:
        await SalesRollup(session).add(paid, paid_deltas(paid, paid.lines))
        bus.publish(session, _paid(paid, payment_id), now=now)
        return to_read(paid)
    order = await _locked(session, shop_id, order_id)  # not paid now: why, under the row lock
    if order.payment_id == payment_id:
        return to_read(order)
    if order.state != OrderState.PENDING:
        reason = "expired" if order.cancel_reason == EXPIRED else order.state
        raise OrderNotPayable(f"Order {order.number} is {reason}: it cannot take a payment")
    # Still pending (no state leads back to pending), so the amount is what did not match.
    raise PaymentAmountMismatch(expected=order.total_amount, got=amount, currency=order.currency)


async def record_refund(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    order_id: uuid.UUID,
    refund_id: uuid.UUID,
    amount: int,
    now: datetime,
) -> OrderRead:
    """Money went back: partially_refunded, or refunded once all of it has; once per refund_id."""
    order = await _locked(session, shop_id, order_id)
    refunds = RefundRepository(session)
    if (await refunds.by_refund_id(refund_id)) is not None:
        return to_read(order)
    if amount <= 0:
        raise InvalidAmount("A refund amount must be positive")
    remaining = order.paid_amount - order.refunded_amount
    if order.state != OrderState.REFUNDED:
        states.check("refund", order.state)
    if amount > remaining:
        raise RefundExceedsPaid(remaining=remaining, asked=amount, currency=order.currency)
    refunds.add(OrderRefund(
        id=new_id(), shop_id=shop_id, order_id=order.id, refund_id=refund_id, amount=amount,
        currency=order.currency, created_at=now,
    ))  # fmt: skip
    order.refunded_amount += amount
    order.state = states.after_refund(paid=order.paid_amount, refunded=order.refunded_amount)
    order.updated_at = now
    await session.flush()
    wholly = order.state == OrderState.REFUNDED
    lines = await OrderRepository(session).lines_of(order.id) if wholly else None
    await SalesRollup(session).add(order, refund_deltas(amount, lines))
    bus.publish(session, _refunded(order, refund_id, amount), now=now)
    return to_read(order)


async def fulfil_order(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    order_id: uuid.UUID,
    now: datetime,
    actor: Actor | None = None,
) -> OrderRead:
    """paid → fulfilled (delivered, handed over, access granted)."""
    order = await _locked(session, shop_id, order_id)
    states.check("fulfil", order.state)
    before = order.state
    order.state, order.fulfilled_at, order.updated_at = OrderState.FULFILLED.value, now, now
    await session.flush()
    event = OrderFulfilled(order_id=order.id, shop_id=shop_id, customer_id=order.customer_id)
    bus.publish(session, event, now=now)
    await _audit(session, actor, order, "order.fulfilled", before, now)
    return to_read(order)


async def cancel_order(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    order_id: uuid.UUID,
    reason: str,
    now: datetime,
    actor: Actor | None = None,
) -> OrderRead:
    """pending → cancelled: its stock and promo-code use are given back."""
    order = await _locked(session, shop_id, order_id)
    states.check("cancel", order.state)
    await _cancel(session, [order], reason=reason[:200] or "cancelled", now=now)
    await _audit(session, actor, order, "order.cancelled", OrderState.PENDING.value, now)
    return to_read(order)


async def expire_unpaid(session: AsyncSession, *, now: datetime, limit: int = EXPIRY_BATCH) -> int:
    """Cancel pending orders past `expires_at` (reason "expired"); how many it expired."""
    orders = await OrderRepository(session).due_for_expiry(now, limit)
    await _cancel(session, orders, reason=EXPIRED, now=now)
    return len(orders)


async def _cancel(
    session: AsyncSession, orders: Sequence[Order], *, reason: str, now: datetime
) -> None:
    """Cancel pending orders, then give back all their stock, then their promo-code uses.

    Stock rows before code rows, each shop's variants in id order: the order placement takes
    its locks in, so an expiry batch and concurrent placements never deadlock.
    """
    stock: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = {}
    for order in orders:
        order.state, order.cancel_reason = OrderState.CANCELLED.value, reason
        order.cancelled_at = order.updated_at = now
        order.expires_at = None
        tracked = [(line.variant_id, line.quantity) for line in order.lines if line.tracks_stock]
        stock.setdefault(order.shop_id, []).extend(tracked)
    await session.flush()
    for shop_id, items in stock.items():
        if items:
            await catalog.release_stock(session, shop_id=shop_id, items=sorted(items))
    for order in orders:
        if order.promo_code_id is not None:
            await promotions.release(session, shop_id=order.shop_id, order_id=order.id, now=now)
        event = OrderCancelled(
            order_id=order.id, shop_id=order.shop_id, customer_id=order.customer_id, reason=reason
        )
        bus.publish(session, event, now=now)


async def _audit(
    session: AsyncSession,
    actor: Actor | None,
    order: Order,
    action: str,
    before: str,
    now: datetime,
) -> None:
    if actor is None:
        return
    await audit.record(
        session, actor=actor, shop_id=order.shop_id, action=action, target_type="order",
        target_id=order.id, before={"state": before},
        after={"state": order.state, "cancel_reason": order.cancel_reason}, now=now,
    )  # fmt: skip


def _paid(order: Order, payment_id: uuid.UUID) -> OrderPaid:
    return OrderPaid(
        order_id=order.id, shop_id=order.shop_id, customer_id=order.customer_id,
        currency=order.currency, total=order.total_amount, payment_id=payment_id,
        lines=event_lines(order),
    )  # fmt: skip


def _refunded(order: Order, refund_id: uuid.UUID, amount: int) -> OrderRefunded:
    return OrderRefunded(
        order_id=order.id, shop_id=order.shop_id, customer_id=order.customer_id,
        refund_id=refund_id, amount=amount, currency=order.currency,
        fully_refunded=order.state == OrderState.REFUNDED,
    )  # fmt: skip


async def repoint_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
) -> None:
    """Two customer records merged: their orders now belong to the survivor."""
    await OrderRepository(session).repoint_customer(shop_id, from_id, into_id)
