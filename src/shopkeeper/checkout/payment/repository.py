"""All SQL of checkout payment attempts (every query filtered by shop)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.payment.models import CheckoutPaymentAttempt as Attempt


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Attempt) -> Attempt:
        self.session.add(row)
        return row

    async def get(
        self, shop_id: uuid.UUID, attempt_id: uuid.UUID, *, lock: bool = False
    ) -> Attempt | None:
        stmt = select(Attempt).where(Attempt.shop_id == shop_id, Attempt.id == attempt_id)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def latest_of_order(
        self, shop_id: uuid.UUID, order_id: uuid.UUID, *, lock: bool = False, fresh: bool = False
    ) -> Attempt | None:
        """The order's newest attempt; `fresh`: read again what others committed meanwhile."""
        stmt = (
            select(Attempt)
            .where(Attempt.shop_id == shop_id, Attempt.order_id == order_id)
            .order_by(Attempt.number.desc())
            .limit(1)
        )
        if fresh:
            stmt = stmt.execution_options(populate_existing=True)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def pending_of_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> list[Attempt]:
        stmt = select(Attempt).where(
            Attempt.shop_id == shop_id, Attempt.order_id == order_id, Attempt.status == "pending"
        )
        return list(await self.session.scalars(stmt.order_by(Attempt.number).with_for_update()))

    async def next_number(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> int:
        stmt = select(func.max(Attempt.number)).where(
            Attempt.shop_id == shop_id, Attempt.order_id == order_id
        )
        return int(await self.session.scalar(stmt) or 0) + 1

    async def of_payment(
        self, shop_id: uuid.UUID, order_id: uuid.UUID, payment_id: uuid.UUID, provider: str
    ) -> Attempt | None:
        """The attempt that started `payment_id`, locked; or the order's newest attempt of
        that provider not yet told its payment (a webhook may beat the start's last step)."""
        base = select(Attempt).where(Attempt.shop_id == shop_id, Attempt.order_id == order_id)
        found = await self.session.scalar(
            base.where(Attempt.payment_id == payment_id).with_for_update()
        )
        if found is not None:
            return found
        stmt = (
            base.where(Attempt.payment_id.is_(None), Attempt.method == provider)
            .order_by(Attempt.number.desc())
            .limit(1)
            .with_for_update()
        )
        return await self.session.scalar(stmt)
