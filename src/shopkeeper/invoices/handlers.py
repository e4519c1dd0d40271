"""What invoices does when other contexts' events arrive."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.invoices.service.issuing import issue_invoice
from shopkeeper.kit.clock import Clock
from shopkeeper.orders.events import OrderPaid


async def on_order_paid(event: OrderPaid, session: AsyncSession, clock: Clock) -> None:
    """Issue the paid order's invoice (or receipt); a redelivery finds it issued already."""
    await issue_invoice(session, shop_id=event.shop_id, order_id=event.order_id, now=clock.now())


HANDLERS = {OrderPaid: [on_order_paid]}
