"""The sellable view of one SKU in one currency: what orders price and snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.catalog.errors import PriceNotFound, VariantNotFound
from shopkeeper.catalog.repository import ProductRepository, SellableRow
from shopkeeper.catalog.schemas import ProductKind, SellableRead, currencies
from shopkeeper.catalog.views import plan_terms


async def get_sellable(
    session: AsyncSession, *, shop_id: uuid.UUID, variant_id: uuid.UUID, currency: str
) -> SellableRead:
    """A live variant of a published product at its price in `currency`."""
    # VariantNotFound: unknown, another shop's, archived or unpublished.
    # PriceNotFound: no price in that currency.
    code = currency.strip().upper()
    row = await ProductRepository(session).sellable(shop_id, variant_id, code)
    if row is None:
        raise VariantNotFound()
    return _sellable(row, code)


async def get_sellables(
    session: AsyncSession, *, shop_id: uuid.UUID, variant_ids: Collection[uuid.UUID],
    currency: str,
) -> dict[uuid.UUID, SellableRead | VariantNotFound | PriceNotFound]:  # fmt: skip
    """`get_sellable` for several variants in one query: each id → its sellable view, or the
    error `get_sellable` would raise for it."""
    code = currency.strip().upper()
    rows = await ProductRepository(session).sellables(shop_id, variant_ids, code)
    found: dict[uuid.UUID, SellableRead | VariantNotFound | PriceNotFound] = {}
    for variant_id in variant_ids:
        row = rows.get(variant_id)
        try:
            found[variant_id] = _sellable(row, code) if row is not None else VariantNotFound()
        except PriceNotFound as exc:
            found[variant_id] = exc
    return found


def _sellable(row: SellableRow, code: str) -> SellableRead:
    variant, product, amount, rate_bp, include_tax = row
    if amount is None or code not in currencies():
        raise PriceNotFound(variant.sku, code)
    name = f"{product.name} — {variant.name}" if variant.name else product.name
    kind = ProductKind(product.kind)
    return SellableRead(
        product_id=product.id,
        variant_id=variant.id,
        sku=variant.sku,
        name=name,
        kind=kind,
        currency=code,
        unit_amount=amount,
        tax_rate_bp=rate_bp or 0,
        prices_include_tax=True if include_tax is None else include_tax,
        tracks_stock=kind is ProductKind.PHYSICAL and variant.stock is not None,
        plan=plan_terms(product),
        category_id=product.category_id,
    )
