"""SQL of products, variants, prices and images (every query filters by shop)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.base import ExecutableOption

from shopkeeper.catalog.models import CatalogSettings, Image, Price, Product, TaxClass, Variant
from shopkeeper.catalog.schemas import ProductFilter, ProductSort

SellableRow = tuple[Variant, Product, int | None, int | None, bool | None]


def _product_children() -> list[ExecutableOption]:
    """Live variants with their prices, and the images: what a ProductRead shows."""
    live = Product.variants.and_(Variant.archived_at.is_(None))
    return [
        selectinload(live).selectinload(Variant.prices),
        selectinload(Product.images),
    ]


def _sellable_query(currency: str) -> Select[Variant, Product, int, int, bool]:
    """A live variant of a published product with its price in `currency`, its tax rate and
    the shop's tax setting (filtered further by the caller)."""
    return (
        select(Variant, Product, Price.amount, TaxClass.rate_bp, CatalogSettings.prices_include_tax)
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(Price, and_(Price.variant_id == Variant.id, Price.currency == currency))
        .outerjoin(TaxClass, TaxClass.id == Product.tax_class_id)
        .outerjoin(CatalogSettings, CatalogSettings.shop_id == Variant.shop_id)
        .where(
            Variant.archived_at.is_(None),
            Product.archived_at.is_(None),
            Product.published.is_(True),
        )
    )


def _order(f: ProductFilter) -> list[ColumnElement[Any]]:
    """The ORDER BY of a product list; ties broken by id so pages never overlap."""
    if f.sort in (ProductSort.PRICE, ProductSort.PRICE_DESC) and f.price_currency:
        lowest = (
            select(func.min(Price.amount))
            .join(Variant, Variant.id == Price.variant_id)
            .where(
                Variant.product_id == Product.id,
                Variant.archived_at.is_(None),
                Price.currency == f.price_currency,
            )
            .correlate(Product)
            .scalar_subquery()
        )
        key = lowest.desc() if f.sort is ProductSort.PRICE_DESC else lowest.asc()
        return [key.nulls_last(), Product.id.asc()]  # unpriced in that currency: last
    if f.sort is ProductSort.NAME:
        return [func.lower(Product.name).asc(), Product.id.asc()]
    if f.sort is ProductSort.NAME_DESC:
        return [func.lower(Product.name).desc(), Product.id.desc()]
    if f.sort is ProductSort.OLDEST:
        return [Product.created_at.asc(), Product.id.asc()]
    return [Product.created_at.desc(), Product.id.desc()]


class ProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        self.session.add(row)

    async def get(self, shop_id: uuid.UUID, product_id: uuid.UUID) -> Product | None:
        stmt = (
            select(Product)
            .where(Product.id == product_id, Product.shop_id == shop_id)
            .options(*_product_children())
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def page(
        self, shop_id: uuid.UUID, filters: ProductFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[Product], int]:
        """One page of products (in `filters.sort` order) and the total matching."""
        conditions = self._conditions(shop_id, filters)
        total = await self.session.scalar(select(func.count(Product.id)).where(*conditions))
        stmt = (
            select(Product)
            .where(*conditions)
            .order_by(*_order(filters))
            .limit(limit)
            .offset(offset)
            .options(*_product_children())
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).all(), int(total or 0)

    @staticmethod
    def _conditions(shop_id: uuid.UUID, f: ProductFilter) -> list[ColumnElement[bool]]:
        archived = Product.archived_at.is_not(None) if f.archived else Product.archived_at.is_(None)
        conditions = [Product.shop_id == shop_id, archived]
        if f.kind is not None:
            conditions.append(Product.kind == f.kind.value)
        if f.published is not None:
            conditions.append(Product.published.is_(f.published))
        if f.category_id is not None:
            conditions.append(Product.category_id == f.category_id)
        if f.search and f.search.strip():
            needle = f.search.strip().lower()
            sku_match = exists().where(
                Variant.product_id == Product.id,
                Variant.archived_at.is_(None),
                func.lower(Variant.sku).contains(needle, autoescape=True),
            )
            name_match = func.lower(Product.name).contains(needle, autoescape=True)
            conditions.append(name_match | sku_match)
        return conditions

    async def slug_taken(
        self, shop_id: uuid.UUID, slug: str, *, exclude: uuid.UUID | None = None
    ) -> bool:
        stmt = select(Product.id).where(
            Product.shop_id == shop_id, Product.slug == slug, Product.archived_at.is_(None)
        )
        if exclude is not None:
            stmt = stmt.where(Product.id != exclude)
        return await self.session.scalar(stmt.limit(1)) is not None

    async def taken_skus(
        self, shop_id: uuid.UUID, skus: Sequence[str], *, exclude: uuid.UUID | None = None
    ) -> list[str]:
        """Which of `skus` live variants of the shop already use."""
        if not skus:
            return []
        stmt = select(Variant.sku).where(
            Variant.shop_id == shop_id, Variant.sku.in_(skus), Variant.archived_at.is_(None)
        )
        if exclude is not None:
            stmt = stmt.where(Variant.id != exclude)
        return list(await self.session.scalars(stmt))

    async def get_variant(
        self, shop_id: uuid.UUID, product_id: uuid.UUID, variant_id: uuid.UUID
    ) -> Variant | None:
        """A live variant of the product, with its prices."""
        stmt = (
            select(Variant)
            .where(
                Variant.id == variant_id,
                Variant.product_id == product_id,
                Variant.shop_id == shop_id,
                Variant.archived_at.is_(None),
            )
            .options(selectinload(Variant.prices))
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def count_live_variants(self, product_id: uuid.UUID) -> int:
        stmt = select(func.count(Variant.id)).where(
            Variant.product_id == product_id, Variant.archived_at.is_(None)
        )
        return int(await self.session.scalar(stmt) or 0)

    async def next_position(self, product_id: uuid.UUID, *, image: bool = False) -> int:
        model: type[Image] | type[Variant] = Image if image else Variant
        stmt = select(func.max(model.position)).where(model.product_id == product_id)
        current = await self.session.scalar(stmt)
        return 0 if current is None else int(current) + 1

    async def get_price(self, variant_id: uuid.UUID, currency: str) -> Price | None:
        stmt = select(Price).where(Price.variant_id == variant_id, Price.currency == currency)
        return await self.session.scalar(stmt)

    async def delete(self, row: Any) -> None:
        await self.session.delete(row)

    async def get_image(
        self, shop_id: uuid.UUID, product_id: uuid.UUID, image_id: uuid.UUID
    ) -> Image | None:
        stmt = select(Image).where(
            Image.id == image_id, Image.product_id == product_id, Image.shop_id == shop_id
        )
        return await self.session.scalar(stmt)

    async def sellable(
        self, shop_id: uuid.UUID, variant_id: uuid.UUID, currency: str
    ) -> SellableRow | None:
        """Variant, product, price, tax rate and tax setting in one query (order placement)."""
        stmt = _sellable_query(currency).where(Variant.id == variant_id, Variant.shop_id == shop_id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])

    async def sellables(
        self, shop_id: uuid.UUID, variant_ids: Collection[uuid.UUID], currency: str
    ) -> dict[uuid.UUID, SellableRow]:
        """`sellable` for several variants in one query; a variant not sold is left out."""
        if not variant_ids:
            return {}
        stmt = _sellable_query(currency).where(
            Variant.id.in_(list(variant_ids)), Variant.shop_id == shop_id
        )
        rows = (await self.session.execute(stmt)).all()
        return {row[0].id: (row[0], row[1], row[2], row[3], row[4]) for row in rows}

    async def get_many(
        self, shop_id: uuid.UUID, product_ids: Collection[uuid.UUID]
    ) -> list[Product]:
        """`get` for several products: one query, and one per kind of child however many."""
        if not product_ids:
            return []
        stmt = (
            select(Product)
            .where(Product.id.in_(list(product_ids)), Product.shop_id == shop_id)
            .options(*_product_children())
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(stmt))
