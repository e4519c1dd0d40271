"""What the Telegram adapter does when other contexts' events arrive."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.service.users import repoint_customer
from shopkeeper.identity.events import CustomersMerged


async def on_customers_merged(event: CustomersMerged, session: AsyncSession) -> None:
    """A bot user follows their customer into the merged record (harmless when repeated)."""
    await repoint_customer(
        session,
        shop_id=event.shop_id,
        from_id=event.from_customer_id,
        into_id=event.into_customer_id,
    )


HANDLERS = {CustomersMerged: [on_customers_merged]}
