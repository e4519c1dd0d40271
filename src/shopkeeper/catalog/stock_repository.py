"""SQL of stock: conditional UPDATEs, so concurrent buyers can never drive stock below zero.

On PostgreSQL (READ COMMITTED) a second UPDATE of the same row waits for the first to commit
and re-checks `stock >= qty` on the new value; on SQLite writers are serialised by
BEGIN IMMEDIATE. Either way the WHERE clause is the guard, and RETURNING says who won.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.catalog.models import Variant


@dataclass(frozen=True, slots=True)
class StockRow:
    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    stock: int | None


class StockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, shop_id: uuid.UUID, variant_ids: Sequence[uuid.UUID]) -> list[StockRow]:
        """Current stock of the shop's variants among `variant_ids` (unknown ids are absent)."""
        if not variant_ids:
            return []
        stmt = select(Variant.id, Variant.product_id, Variant.sku, Variant.stock).where(
            Variant.shop_id == shop_id, Variant.id.in_(variant_ids)
        )
        return [StockRow(*row) for row in (await self.session.execute(stmt)).all()]

    async def take(self, shop_id: uuid.UUID, variant_id: uuid.UUID, qty: int) -> int | None:
        """Decrement by `qty` only if that much is there; the new stock, or None if not."""
        stmt = (
            update(Variant)
            .where(
                Variant.id == variant_id,
                Variant.shop_id == shop_id,
                Variant.stock.is_not(None),
                Variant.stock >= qty,
            )
            .values(stock=Variant.stock - qty)
            .returning(Variant.stock)
            .execution_options(synchronize_session=False)
        )
        return await self.session.scalar(stmt)

    async def put_back(self, shop_id: uuid.UUID, variant_id: uuid.UUID, qty: int) -> int | None:
        """Increment a tracked variant's stock; None when it does not track stock."""
        stmt = (
            update(Variant)
            .where(Variant.id == variant_id, Variant.shop_id == shop_id, Variant.stock.is_not(None))
            .values(stock=Variant.stock + qty)
            .returning(Variant.stock)
            .execution_options(synchronize_session=False)
        )
        return await self.session.scalar(stmt)

    async def set(self, shop_id: uuid.UUID, variant_id: uuid.UUID, stock: int | None) -> None:
        stmt = (
            update(Variant)
            .where(Variant.id == variant_id, Variant.shop_id == shop_id)
            .values(stock=stock)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)
