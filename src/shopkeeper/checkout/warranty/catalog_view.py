"""The shop's warranty products as warranty needs them: each live variant with its prices."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog


class WarrantyVariant(BaseModel):
    model_config = ConfigDict(frozen=True)

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    name: str
    published: bool
    prices: Mapping[str, int]


async def warranty_variants(
    session: AsyncSession, *, shop_id: uuid.UUID, published_only: bool
) -> dict[uuid.UUID, WarrantyVariant]:
    """Live variants of the shop's live products of kind warranty, by variant id."""
    filters = catalog.ProductFilter(
        kind=catalog.ProductKind.WARRANTY, published=True if published_only else None
    )
    found: dict[uuid.UUID, WarrantyVariant] = {}
    for product in await catalog.all_products(session, shop_id=shop_id, filters=filters):
        for variant in product.variants:
            found[variant.id] = WarrantyVariant(
                variant_id=variant.id,
                product_id=product.id,
                sku=variant.sku,
                name=f"{product.name} — {variant.name}" if variant.name else product.name,
                published=product.published,
                prices={p.currency: p.amount for p in variant.prices},
            )
    return found
