"""HTTP: categories, tax classes and the catalog settings of a shop."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from shopkeeper.catalog.deps import CatalogRead, CatalogWrite
from shopkeeper.catalog.schemas import (
    CatalogSettingsRead,
    CatalogSettingsUpdate,
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    TaxClassCreate,
    TaxClassRead,
    TaxClassUpdate,
)
from shopkeeper.catalog.service import categories, tax
from shopkeeper.deps import ClockDep, SessionDep

router = APIRouter()
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.get("/categories")
async def list_categories(session: SessionDep, access: CatalogRead) -> list[CategoryRead]:
    return await categories.list_categories(session, shop_id=access.shop.id)


@router.post("/categories", status_code=status.HTTP_201_CREATED)
async def create_category(
    data: CategoryCreate, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> CategoryRead:
    return await categories.create_category(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/categories/{category_id}")
async def get_category(
    category_id: uuid.UUID, session: SessionDep, access: CatalogRead
) -> CategoryRead:
    return await categories.get_category(session, shop_id=access.shop.id, category_id=category_id)


@router.patch("/categories/{category_id}")
async def update_category(
    category_id: uuid.UUID,
    data: CategoryUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> CategoryRead:
    return await categories.update_category(
        session,
        shop_id=access.shop.id,
        category_id=category_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
    )


@router.delete("/categories/{category_id}", status_code=NO_CONTENT)
async def delete_category(
    category_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> Response:
    """Its products become uncategorised; refused (409) while it has subcategories."""
    await categories.delete_category(
        session,
        shop_id=access.shop.id,
        category_id=category_id,
        actor=access.actor,
        now=clock.now(),
    )
    return Response(status_code=NO_CONTENT)


@router.get("/tax-classes")
async def list_tax_classes(session: SessionDep, access: CatalogRead) -> list[TaxClassRead]:
    return await tax.list_tax_classes(session, shop_id=access.shop.id)


@router.post("/tax-classes", status_code=status.HTTP_201_CREATED)
async def create_tax_class(
    data: TaxClassCreate, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> TaxClassRead:
    return await tax.create_tax_class(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/tax-classes/{tax_class_id}")
async def get_tax_class(
    tax_class_id: uuid.UUID, session: SessionDep, access: CatalogRead
) -> TaxClassRead:
    return await tax.get_tax_class(session, shop_id=access.shop.id, tax_class_id=tax_class_id)


@router.patch("/tax-classes/{tax_class_id}")
async def update_tax_class(
    tax_class_id: uuid.UUID,
    data: TaxClassUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CatalogWrite,
) -> TaxClassRead:
    """A new rate applies to orders placed from now on; placed orders keep their snapshot."""
    return await tax.update_tax_class(
        session,
        shop_id=access.shop.id,
        tax_class_id=tax_class_id,
        data=data,
        actor=access.actor,
        now=clock.now(),
    )


@router.delete("/tax-classes/{tax_class_id}", status_code=NO_CONTENT)
async def delete_tax_class(
    tax_class_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> Response:
    """Refused (409) while live products use it."""
    await tax.delete_tax_class(
        session,
        shop_id=access.shop.id,
        tax_class_id=tax_class_id,
        actor=access.actor,
        now=clock.now(),
    )
    return Response(status_code=NO_CONTENT)


@router.get("/catalog/settings")
async def get_catalog_settings(session: SessionDep, access: CatalogRead) -> CatalogSettingsRead:
    return await tax.get_catalog_settings(session, shop_id=access.shop.id)


@router.put("/catalog/settings")
async def update_catalog_settings(
    data: CatalogSettingsUpdate, session: SessionDep, clock: ClockDep, access: CatalogWrite
) -> CatalogSettingsRead:
    """`prices_include_tax`: true (EU style, the default) or false (tax added on top)."""
    return await tax.update_catalog_settings(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )
