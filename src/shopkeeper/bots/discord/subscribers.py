"""What the Discord adapter does when other contexts' events arrive."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.discord.repository import AccountRepository
from shopkeeper.identity.events import CustomersMerged


async def on_customers_merged(event: CustomersMerged, session: AsyncSession) -> None:
    """A Discord account follows its customer into the merged record (harmless repeated)."""
    await AccountRepository(session).repoint(
        event.shop_id, from_id=event.from_customer_id, into_id=event.into_customer_id
    )


HANDLERS = {CustomersMerged: [on_customers_merged]}
