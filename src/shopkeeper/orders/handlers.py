"""What orders does when other contexts' events arrive."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.events import CustomersMerged
from shopkeeper.orders.service.lifecycle import repoint_customer


async def on_customers_merged(event: CustomersMerged, session: AsyncSession) -> None:
    """A merged customer's orders follow the survivor (re-pointing twice changes nothing)."""
    await repoint_customer(
        session,
        shop_id=event.shop_id,
        from_id=event.from_customer_id,
        into_id=event.into_customer_id,
    )


HANDLERS = {CustomersMerged: [on_customers_merged]}
