"""HTTP: /api/v1/shops/{shop}/products — list, read, create, change, archive, publish."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shopkeeper.catalog.deps import CatalogRead, CatalogWrite, MediaDep
from shopkeeper.catalog.media_router import images_router, media_router
from shopkeeper.catalog.schemas import (
    ProductCreate,
    ProductFilter,
    ProductKind,
    ProductRead,
    ProductUpdate,
)
from shopkeeper.catalog.service import products
from shopkeeper.catalog.taxonomy_router import router as taxonomy_router
from shopkeeper.catalog.variants_router import router as variants_router
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.kit.pagination import Page

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["catalog"])


@router.get("/products")
async def list_products(
    session: SessionDep,
    access: CatalogRead,
    media: MediaDep,
    kind: ProductKind | None = None,
    published: bool | None = None,
    category_id: uuid.UUID | None = None,
    search: Annotated[str | None, Query(max_length=100)] = None,
    archived: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[ProductRead]:
    """Newest first; `search` matches the name or a SKU; `archived=true` lists the archive."""
    filters = ProductFilter(
        kind=kind, published=published, category_id=category_id, search=search, archived=archived
    )
    return await products.list_products(
        session,
        shop_id=access.shop.id,
        filters=filters,
        limit=limit,
        offset=offset,
        media_url=media.url,
    )


@router.post("/products", status_code=status.HTTP_201_CREATED)
async def create_product(
    data: ProductCreate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ProductRead:
    """With inline `variants` (each with prices), or one default variant from sku/prices/stock."""
    created = await products.create_product(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )
    return await _read(session, access, created.id, media)


async def _read(
    session: SessionDep, access: CatalogRead, product_id: uuid.UUID, media: MediaDep
) -> ProductRead:
    return await products.get_product(
        session, shop_id=access.shop.id, product_id=product_id, media_url=media.url
    )


@router.get("/products/{product_id}")
async def get_product(
    product_id: uuid.UUID, session: SessionDep, access: CatalogRead, media: MediaDep
) -> ProductRead:
    """Archived products too (with `archived_at`), so old orders can still be explained."""
    return await _read(session, access, product_id, media)


@router.patch("/products/{product_id}")
async def update_product(
    product_id: uuid.UUID,
    data: ProductUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ProductRead:
    await products.update_product(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
    )
    return await _read(session, access, product_id, media)


@router.delete("/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_product(
    product_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> Response:
    """Archive (soft delete): unpublished and unsellable; past orders keep their snapshots."""
    await products.archive_product(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        actor=access.actor,
        now=clock.now(),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/products/{product_id}/publish")
async def publish_product(
    product_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ProductRead:
    return await _set_published(product_id, True, session, clock, access, media)


@router.post("/products/{product_id}/unpublish")
async def unpublish_product(
    product_id: uuid.UUID,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ProductRead:
    return await _set_published(product_id, False, session, clock, access, media)


async def _set_published(
    product_id: uuid.UUID,
    published: bool,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
    media: MediaDep,
) -> ProductRead:
    await products.set_published(
        session,
        shop_id=access.shop.id,
        product_id=product_id,
        published=published,
        actor=access.actor,
        now=clock.now(),
    )
    return await _read(session, access, product_id, media)


router.include_router(variants_router)
router.include_router(images_router)
router.include_router(taxonomy_router)

# /media/{key} is outside the shop prefix; listed in shopkeeper.routers next to this router.
__all__ = ["media_router", "router"]
