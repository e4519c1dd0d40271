"""SQL of categories, tax classes and the per-shop catalog settings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.catalog.models import CatalogSettings, Category, Product, TaxClass


class TaxonomyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def delete(self, row: Any) -> None:
        await self.session.delete(row)

    async def get_category(self, shop_id: uuid.UUID, category_id: uuid.UUID) -> Category | None:
        stmt = select(Category).where(Category.id == category_id, Category.shop_id == shop_id)
        return await self.session.scalar(stmt)

    async def list_categories(self, shop_id: uuid.UUID) -> Sequence[Category]:
        stmt = (
            select(Category)
            .where(Category.shop_id == shop_id)
            .order_by(Category.position, Category.name, Category.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def parents(self, shop_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID | None]:
        """Every category of the shop → its parent (to refuse cycles)."""
        stmt = select(Category.id, Category.parent_id).where(Category.shop_id == shop_id)
        return {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}

    async def category_slug_taken(
        self, shop_id: uuid.UUID, slug: str, *, exclude: uuid.UUID | None = None
    ) -> bool:
        stmt = select(Category.id).where(Category.shop_id == shop_id, Category.slug == slug)
        if exclude is not None:
            stmt = stmt.where(Category.id != exclude)
        return await self.session.scalar(stmt.limit(1)) is not None

    async def has_children(self, category_id: uuid.UUID) -> bool:
        stmt = select(Category.id).where(Category.parent_id == category_id).limit(1)
        return await self.session.scalar(stmt) is not None

    async def detach_products(self, shop_id: uuid.UUID, category_id: uuid.UUID) -> None:
        """Products of a deleted category become uncategorised (on every database)."""
        stmt = (
            update(Product)
            .where(Product.shop_id == shop_id, Product.category_id == category_id)
            .values(category_id=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def get_tax_class(self, shop_id: uuid.UUID, tax_class_id: uuid.UUID) -> TaxClass | None:
        stmt = select(TaxClass).where(TaxClass.id == tax_class_id, TaxClass.shop_id == shop_id)
        return await self.session.scalar(stmt)

    async def list_tax_classes(self, shop_id: uuid.UUID) -> Sequence[TaxClass]:
        stmt = select(TaxClass).where(TaxClass.shop_id == shop_id).order_by(TaxClass.code)
        return (await self.session.scalars(stmt)).all()

    async def tax_code_taken(
        self, shop_id: uuid.UUID, code: str, *, exclude: uuid.UUID | None = None
    ) -> bool:
        stmt = select(TaxClass.id).where(TaxClass.shop_id == shop_id, TaxClass.code == code)
        if exclude is not None:
            stmt = stmt.where(TaxClass.id != exclude)
        return await self.session.scalar(stmt.limit(1)) is not None

    async def products_using_tax_class(self, tax_class_id: uuid.UUID) -> int:
        stmt = select(func.count(Product.id)).where(
            Product.tax_class_id == tax_class_id, Product.archived_at.is_(None)
        )
        return int(await self.session.scalar(stmt) or 0)

    async def detach_tax_class(self, shop_id: uuid.UUID, tax_class_id: uuid.UUID) -> None:
        stmt = (
            update(Product)
            .where(Product.shop_id == shop_id, Product.tax_class_id == tax_class_id)
            .values(tax_class_id=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def get_settings(self, shop_id: uuid.UUID) -> CatalogSettings | None:
        return await self.session.get(CatalogSettings, shop_id)
