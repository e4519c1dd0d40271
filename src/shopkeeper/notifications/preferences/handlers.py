"""What opt-outs do when identity merges two customer records: the survivor keeps them all."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.identity.events import CustomersMerged
from shopkeeper.notifications.preferences.service import merge_opt_outs


async def on_customers_merged(event: CustomersMerged, session: AsyncSession) -> None:
    """Opted out on either record → opted out on the survivor (a redelivery changes nothing)."""
    await merge_opt_outs(
        session,
        shop_id=event.shop_id,
        from_id=event.from_customer_id,
        into_id=event.into_customer_id,
    )


HANDLERS: HandlerTable = {CustomersMerged: [on_customers_merged]}
