"""Stock of physical SKUs: reservations by orders (atomic, all or nothing) and staff changes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import (
    InvalidQuantity,
    OutOfStock,
    StockNotAllowed,
    StockNotTracked,
    VariantNotFound,
)
from shopkeeper.catalog.events import StockDepleted
from shopkeeper.catalog.repository import ProductRepository
from shopkeeper.catalog.schemas import ProductKind, StockLevel
from shopkeeper.catalog.stock_repository import StockRepository, StockRow


def _merge(items: Iterable[tuple[uuid.UUID, int]]) -> list[tuple[uuid.UUID, int]]:
    """One entry per variant, in id order (so concurrent reservations lock rows alike)."""
    totals: dict[uuid.UUID, int] = defaultdict(int)
    for variant_id, quantity in items:
        if quantity <= 0:
            raise InvalidQuantity(quantity)
        totals[variant_id] += quantity
    return sorted(totals.items())


async def reserve_stock(
    session: AsyncSession, *, shop_id: uuid.UUID, items: list[tuple[uuid.UUID, int]]
) -> None:
    """Take stock for every stock-tracked variant in `items`, all or nothing (OutOfStock)."""
    # Each decrement is a conditional UPDATE (stock >= qty), so no interleaving oversells.
    # On a shortfall the decrements made so far are put back before OutOfStock is raised,
    # so nothing stays taken even if the caller commits. Untracked variants are skipped;
    # an unknown variant (or another shop's) raises VariantNotFound.
    merged = _merge(items)
    repo = StockRepository(session)
    rows = {row.variant_id: row for row in await repo.rows(shop_id, [v for v, _ in merged])}
    taken: list[tuple[uuid.UUID, int]] = []
    for variant_id, quantity in merged:
        row = rows.get(variant_id)
        if row is None:
            raise VariantNotFound()
        if row.stock is None:
            continue
        left = await repo.take(shop_id, variant_id, quantity)
        if left is None:
            for done_id, done_qty in taken:
                await repo.put_back(shop_id, done_id, done_qty)
            raise OutOfStock(row.sku)
        taken.append((variant_id, quantity))
        if left == 0:
            _depleted(session, shop_id, row)


def _depleted(session: AsyncSession, shop_id: uuid.UUID, row: StockRow) -> None:
    event = StockDepleted(
        variant_id=row.variant_id, product_id=row.product_id, shop_id=shop_id, sku=row.sku
    )
    bus.publish(session, event)


async def release_stock(
    session: AsyncSession, *, shop_id: uuid.UUID, items: list[tuple[uuid.UUID, int]]
) -> None:
    """Give reserved stock back (cancelled or expired order); call once per reservation."""
    # Untracked or unknown variants are skipped: there is nothing to give back to them.
    repo = StockRepository(session)
    for variant_id, quantity in _merge(items):
        await repo.put_back(shop_id, variant_id, quantity)


async def _tracked_row(
    session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID, variant_id: uuid.UUID
) -> tuple[StockRow, str]:
    product = await ProductRepository(session).get(shop_id, product_id)
    variant = await ProductRepository(session).get_variant(shop_id, product_id, variant_id)
    if product is None or variant is None:
        raise VariantNotFound()
    row = StockRow(variant.id, variant.product_id, variant.sku, variant.stock)
    return row, product.kind


async def adjust_stock(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    delta: int,
    reason: str,
    actor: Actor,
    now: datetime,
) -> StockLevel:
    """Add (delivery) or remove (damage, count) stock atomically; never below zero."""
    row, _ = await _tracked_row(session, shop_id, product_id, variant_id)
    if row.stock is None:
        raise StockNotTracked(row.sku)
    repo = StockRepository(session)
    if delta < 0:
        left = await repo.take(shop_id, variant_id, -delta)
    else:
        left = await repo.put_back(shop_id, variant_id, delta)
    if left is None:
        current = next(iter(await repo.rows(shop_id, [variant_id])))
        raise OutOfStock(row.sku, available=current.stock)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="stock.adjusted",
        target_type="variant",
        target_id=variant_id,
        before={"stock": left - delta},
        after={"stock": left, "delta": delta, "reason": reason, "sku": row.sku},
        now=now,
    )
    if left == 0:
        _depleted(session, shop_id, row)
    return StockLevel(variant_id=variant_id, sku=row.sku, stock=left)


async def set_stock(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    stock: int | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> StockLevel:
    """Set the count after a stocktake, or null to stop tracking (physical products only)."""
    row, kind = await _tracked_row(session, shop_id, product_id, variant_id)
    if stock is not None and kind != ProductKind.PHYSICAL:
        raise StockNotAllowed(kind)
    await StockRepository(session).set(shop_id, variant_id, stock)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="stock.set",
        target_type="variant",
        target_id=variant_id,
        before={"stock": row.stock},
        after={"stock": stock, "reason": reason, "sku": row.sku},
        now=now,
    )
    return StockLevel(variant_id=variant_id, sku=row.sku, stock=stock)
