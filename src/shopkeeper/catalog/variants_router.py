"""HTTP: a product's variants, their prices per currency and their stock."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from shopkeeper.catalog.deps import CatalogWrite
from shopkeeper.catalog.schemas import (
    Currency,
    PriceSet,
    StockAdjust,
    StockLevel,
    StockSet,
    VariantCreate,
    VariantRead,
    VariantUpdate,
)
from shopkeeper.catalog.service import stock, variants
from shopkeeper.deps import ClockDep, SessionDep

router = APIRouter()
VARIANT = "/products/{product_id}/variants/{variant_id}"
CurrencyPath = Annotated[Currency, Path(description="ISO 4217 code, or XTR")]


@router.post("/products/{product_id}/variants", status_code=status.HTTP_201_CREATED)
async def add_variant(
    product_id: uuid.UUID,
    data: VariantCreate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> VariantRead:
    return await variants.add_variant(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
    )


@router.patch(VARIANT)
async def update_variant(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    data: VariantUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> VariantRead:
    return await variants.update_variant(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
    )


@router.delete(VARIANT, status_code=status.HTTP_204_NO_CONTENT)
async def archive_variant(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> Response:
    """Archive the SKU (soft delete); a product keeps at least one variant (409)."""
    await variants.archive_variant(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        actor=access.actor,
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(VARIANT + "/prices/{currency}")
async def set_price(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    currency: CurrencyPath,
    data: PriceSet,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> VariantRead:
    """Create or replace the price in `currency`, in minor units (cents; whole XTR stars)."""
    return await variants.set_price(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        currency=currency,
        amount=data.amount,
        actor=access.actor,
        now=clock.now(),
    )


@router.delete(VARIANT + "/prices/{currency}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_price(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    currency: CurrencyPath,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> Response:
    await variants.remove_price(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        currency=currency,
        actor=access.actor,
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(VARIANT + "/stock/adjust")
async def adjust_stock(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    data: StockAdjust,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> StockLevel:
    """Add or remove stock atomically (409 OutOfStock if it would go below zero)."""
    return await stock.adjust_stock(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        delta=data.delta,
        reason=data.reason,
        actor=access.actor,
        now=clock.now(),
    )


@router.put(VARIANT + "/stock")
async def set_stock(
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    data: StockSet,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> StockLevel:
    """Set the count (a stocktake), or null to stop tracking; physical products only."""
    return await stock.set_stock(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        variant_id=variant_id,
        stock=data.stock,
        reason=data.reason,
        actor=access.actor,
        now=clock.now(),
    )
