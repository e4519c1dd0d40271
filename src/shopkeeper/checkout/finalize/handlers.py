"""What finalisation does on events: a checkout order cancelled unpaid (it expired, or staff
cancelled it) gives its cart back to the shopper — the stock went back with the order.

Only the cart's latest order reopens it (an older one was replaced already); a redelivery
finds the cart open and changes nothing. A failed payment reopens the cart in the payment
sub-context; this covers the other ways a pending order ends."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.checkout.cart import reopen_cart
from shopkeeper.checkout.finalize.repository import CheckoutOrderRepository
from shopkeeper.kit.clock import Clock
from shopkeeper.orders import OrderCancelled


async def on_order_cancelled(event: OrderCancelled, session: AsyncSession, clock: Clock) -> None:
    repo = CheckoutOrderRepository(session)
    row = await repo.of_order(event.shop_id, event.order_id)
    if row is None:
        return  # not a checkout's order
    latest = await repo.of_cart(event.shop_id, row.cart_id)
    if latest is not None and latest.order_id == row.order_id:
        await reopen_cart(session, shop_id=event.shop_id, cart_id=row.cart_id, now=clock.now())


HANDLERS: HandlerTable = {OrderCancelled: [on_order_cancelled]}
