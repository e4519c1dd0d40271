"""All SQL of customers' opt-outs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.preferences.models import NotificationOptOut

_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit


class OptOutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_customer(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID
    ) -> list[NotificationOptOut]:
        stmt = select(NotificationOptOut).where(
            NotificationOptOut.shop_id == shop_id, NotificationOptOut.customer_id == customer_id
        )
        return list(await self.session.scalars(stmt))

    async def customers_out(
        self, shop_id: uuid.UUID, channel: str, customer_ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        ids, found = list(customer_ids), set[uuid.UUID]()
        for start in range(0, len(ids), _CHUNK):
            stmt = select(NotificationOptOut.customer_id).where(
                NotificationOptOut.shop_id == shop_id,
                NotificationOptOut.channel == channel,
                NotificationOptOut.customer_id.in_(ids[start : start + _CHUNK]),
            )
            found.update(await self.session.scalars(stmt))
        return found

    async def add(self, row: NotificationOptOut) -> bool:
        """Insert the opt-out; False when the customer had already opted out of the channel."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def remove(self, shop_id: uuid.UUID, customer_id: uuid.UUID, channel: str) -> int:
        stmt = delete(NotificationOptOut).where(
            NotificationOptOut.shop_id == shop_id,
            NotificationOptOut.customer_id == customer_id,
            NotificationOptOut.channel == channel,
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def move(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID, channels: Iterable[str]
    ) -> int:
        """Re-point `from_id`'s opt-outs of `channels` to `into_id` (their time and source stay)."""
        wanted = list(channels)
        if not wanted:
            return 0
        stmt = (
            update(NotificationOptOut)
            .where(
                NotificationOptOut.shop_id == shop_id,
                NotificationOptOut.customer_id == from_id,
                NotificationOptOut.channel.in_(wanted),
            )
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def remove_all(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> int:
        stmt = delete(NotificationOptOut).where(
            NotificationOptOut.shop_id == shop_id, NotificationOptOut.customer_id == customer_id
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
