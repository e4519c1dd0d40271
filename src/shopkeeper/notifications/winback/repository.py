"""All SQL of win-back chains and their scheduled steps."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.winback.models import WinbackChain, WinbackSend

_OPEN = ("pending", "claimed")


class ChainRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID) -> WinbackChain | None:
        return await self.session.get(WinbackChain, shop_id)

    def add(self, chain: WinbackChain) -> WinbackChain:
        self.session.add(chain)
        return chain


class SendRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def scheduled_for(self, shop_id: uuid.UUID, expiry_event_id: uuid.UUID) -> bool:
        stmt = select(WinbackSend.id).where(
            WinbackSend.shop_id == shop_id, WinbackSend.expiry_event_id == expiry_event_id
        )
        return (await self.session.scalar(stmt.limit(1))) is not None

    def add(self, send: WinbackSend) -> WinbackSend:
        self.session.add(send)
        return send

    async def cancel_open(self, shop_id: uuid.UUID, customer_id: uuid.UUID, now: datetime) -> int:
        stmt = (
            update(WinbackSend)
            .where(
                WinbackSend.shop_id == shop_id,
                WinbackSend.customer_id == customer_id,
                WinbackSend.status.in_(_OPEN),
            )
            .values(status="cancelled", finished_at=now, claim_token=None)
        )
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        """Due and not taken, or taken by a worker whose lease ran out."""
        return or_(
            and_(WinbackSend.status == "pending", WinbackSend.due_at <= now),
            and_(WinbackSend.status == "claimed", WinbackSend.claimed_until < now),
        )

    async def due_ids(self, now: datetime, limit: int) -> list[uuid.UUID]:
        stmt = (
            select(WinbackSend.id)
            .where(self._claimable(now))
            .order_by(WinbackSend.due_at, WinbackSend.id)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def claim(self, send_id: uuid.UUID, token: str, until: datetime, now: datetime) -> bool:
        """Take one step for this worker: a conditional UPDATE, so only one worker wins it."""
        stmt = (
            update(WinbackSend)
            .where(WinbackSend.id == send_id, self._claimable(now))
            .values(status="claimed", claim_token=token, claimed_until=until)
        )
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def finish(self, send_id: uuid.UUID, token: str, now: datetime) -> WinbackSend | None:
        """Mark the claimed step sent, if the claim is still ours (not cancelled, not expired)."""
        stmt = (
            update(WinbackSend)
            .where(
                WinbackSend.id == send_id,
                WinbackSend.status == "claimed",
                WinbackSend.claim_token == token,
            )
            .values(status="sent", finished_at=now)
        )
        result = await self.session.execute(stmt)
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        return await self.session.get(WinbackSend, send_id, populate_existing=True)

    async def for_customer(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> list[WinbackSend]:
        stmt = (
            select(WinbackSend)
            .where(WinbackSend.shop_id == shop_id, WinbackSend.customer_id == customer_id)
            .order_by(WinbackSend.due_at, WinbackSend.step)
        )
        return list(await self.session.scalars(stmt))
