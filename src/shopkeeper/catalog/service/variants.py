"""Variants (SKUs) of a product and their prices per currency."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import (
    LastVariant,
    PriceNotFound,
    ProductArchived,
    ProductNotFound,
    SkuTaken,
    StockNotAllowed,
    VariantNotFound,
)
from shopkeeper.catalog.models import Price, Product, Variant
from shopkeeper.catalog.repository import ProductRepository
from shopkeeper.catalog.schemas import ProductKind, VariantCreate, VariantRead, VariantUpdate
from shopkeeper.catalog.service.common import assign_skus, flush
from shopkeeper.catalog.service.products import add_variant_rows
from shopkeeper.catalog.views import variant_read


async def _product(session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    product = await ProductRepository(session).get(shop_id, product_id)
    if product is None:
        raise ProductNotFound()
    if product.archived_at is not None:
        raise ProductArchived()
    return product


async def _variant(
    session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID, variant_id: uuid.UUID
) -> Variant:
    variant = await ProductRepository(session).get_variant(shop_id, product_id, variant_id)
    if variant is None:
        raise VariantNotFound()
    return variant


async def _reload(session: AsyncSession, variant: Variant) -> VariantRead:
    fresh = await ProductRepository(session).get_variant(
        variant.shop_id, variant.product_id, variant.id
    )
    assert fresh is not None
    return variant_read(fresh)


async def _audit(
    session: AsyncSession,
    actor: Actor,
    variant: Variant,
    action: str,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    await audit.record(
        session,
        actor=actor,
        shop_id=variant.shop_id,
        action=action,
        target_type="variant",
        target_id=variant.id,
        before=before,
        after=after,
        now=now,
    )


async def add_variant(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    data: VariantCreate,
    actor: Actor,
    now: datetime,
) -> VariantRead:
    product = await _product(session, shop_id, product_id)
    if product.kind != ProductKind.PHYSICAL and data.has_physical_fields:
        raise StockNotAllowed(product.kind)
    [sku] = await assign_skus(session, shop_id, slug=product.slug, given=[data.sku])
    position = data.position or await ProductRepository(session).next_position(product.id)
    variant = add_variant_rows(session, product, data, sku=sku, position=position, now=now)
    await flush(session)
    read = await _reload(session, variant)
    await _audit(session, actor, variant, "variant.created", now, None, read.model_dump())
    return read


async def update_variant(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    data: VariantUpdate,
    actor: Actor,
    now: datetime,
) -> VariantRead:
    """Change name, SKU, attributes, weight, dimensions or position (stock has its own calls)."""
    product = await _product(session, shop_id, product_id)
    variant = await _variant(session, shop_id, product_id, variant_id)
    changes = data.changes()
    physical = {"weight_grams", "dimensions"} & {k for k, v in changes.items() if v is not None}
    if physical and product.kind != ProductKind.PHYSICAL:
        raise StockNotAllowed(product.kind)
    if "sku" in changes and changes["sku"] != variant.sku:
        repo = ProductRepository(session)
        if await repo.taken_skus(shop_id, [changes["sku"]], exclude=variant.id):
            raise SkuTaken(changes["sku"])
    before = variant_read(variant).model_dump()
    _apply(variant, changes)
    variant.updated_at = now
    await flush(session)
    read = await _reload(session, variant)
    if read.model_dump() != before:
        await _audit(session, actor, variant, "variant.updated", now, before, read.model_dump())
    return read


def _apply(variant: Variant, changes: dict[str, Any]) -> None:
    if "dimensions" in changes:
        dims = changes.pop("dimensions")
        variant.length_mm = dims.length_mm if dims else None
        variant.width_mm = dims.width_mm if dims else None
        variant.height_mm = dims.height_mm if dims else None
    for name, value in changes.items():
        setattr(variant, name, value.strip() if name == "name" else value)


async def archive_variant(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> None:
    """Soft delete: the SKU stops selling and is free again; a product keeps one variant."""
    await _product(session, shop_id, product_id)
    variant = await _variant(session, shop_id, product_id, variant_id)
    if await ProductRepository(session).count_live_variants(product_id) <= 1:
        raise LastVariant()
    before = variant_read(variant).model_dump()
    variant.archived_at = now
    variant.updated_at = now
    await flush(session)
    await _audit(session, actor, variant, "variant.archived", now, before, None)


async def set_price(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    currency: str,
    amount: int,
    actor: Actor,
    now: datetime,
) -> VariantRead:
    """Create or replace the variant's price in `currency` (minor units)."""
    await _product(session, shop_id, product_id)
    variant = await _variant(session, shop_id, product_id, variant_id)
    price = await ProductRepository(session).get_price(variant.id, currency)
    before = None if price is None else {"currency": currency, "amount": price.amount}
    if price is None:
        price = Price(shop_id=shop_id, variant_id=variant.id, currency=currency, amount=amount)
        session.add(price)
    price.amount = amount
    price.updated_at = now
    await flush(session)
    if before is None or before["amount"] != amount:
        after = {"currency": currency, "amount": amount, "sku": variant.sku}
        await _audit(session, actor, variant, "price.set", now, before, after)
    return await _reload(session, variant)


async def remove_price(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    currency: str,
    actor: Actor,
    now: datetime,
) -> VariantRead:
    """The variant stops selling in `currency` (PriceNotFound when it had no such price)."""
    await _product(session, shop_id, product_id)
    variant = await _variant(session, shop_id, product_id, variant_id)
    repo = ProductRepository(session)
    price = await repo.get_price(variant.id, currency)
    if price is None:
        raise PriceNotFound(variant.sku, currency)
    before = {"currency": currency, "amount": price.amount, "sku": variant.sku}
    await repo.delete(price)
    await flush(session)
    await _audit(session, actor, variant, "price.removed", now, before, None)
    return await _reload(session, variant)
