"""Builders for the catalog: products (with variants, prices, stock), tax classes, categories.

Each opens its own unit of work on the test `container` and commits through the catalog's
services, acting as the platform (Actor.system), so what it makes is visible to the app.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from shopkeeper import catalog
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import PlanTerms, PriceIn, ProductCreate, ProductKind, ProductRead
from shopkeeper.catalog.schemas import (
    CatalogSettingsUpdate,
    CategoryCreate,
    CategoryRead,
    TaxClassCreate,
    TaxClassRead,
    VariantCreate,
)
from shopkeeper.catalog.service import categories, tax
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead

BUILDER = Actor.system("tests")


def price_list(prices: Mapping[str, int]) -> list[PriceIn]:
    return [PriceIn(currency=c, amount=a) for c, a in prices.items()]


async def create_product(
    container: Container,
    *,
    shop: ShopRead,
    kind: ProductKind | str = ProductKind.PHYSICAL,
    name: str | None = None,
    prices: Mapping[str, int] | None = None,
    stock: int | None = None,
    published: bool = True,
    variants: Sequence[VariantCreate] = (),
    plan: PlanTerms | None = None,
    tax_class_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
) -> ProductRead:
    """A product (published by default) with one default variant priced 10.00 EUR, or
    the given `variants`."""
    kind = ProductKind(kind)
    if kind is ProductKind.PLAN and plan is None:
        plan = PlanTerms(period_unit="month")
    default_prices = {"EUR": 1000} if prices is None else prices
    data = ProductCreate(
        kind=kind,
        name=name or f"Product {uuid.uuid4().hex[:6]}",
        published=published,
        plan=plan,
        tax_class_id=tax_class_id,
        category_id=category_id,
        variants=list(variants),
        prices=[] if variants else price_list(default_prices),
        stock=stock,
    )
    async with unit_of_work(container.sessions) as session:
        return await catalog.create_product(
            session, shop_id=shop.id, data=data, actor=BUILDER, now=container.clock.now()
        )


async def create_tax_class(
    container: Container, *, shop: ShopRead, rate_bp: int = 2300, code: str | None = None
) -> TaxClassRead:
    data = TaxClassCreate(
        code=code or f"T{uuid.uuid4().hex[:6]}", name=f"VAT {rate_bp / 100:g} %", rate_bp=rate_bp
    )
    async with unit_of_work(container.sessions) as session:
        return await tax.create_tax_class(
            session, shop_id=shop.id, data=data, actor=BUILDER, now=container.clock.now()
        )


async def create_category(
    container: Container, *, shop: ShopRead, name: str, parent_id: uuid.UUID | None = None
) -> CategoryRead:
    data = CategoryCreate(name=name, parent_id=parent_id)
    async with unit_of_work(container.sessions) as session:
        return await categories.create_category(
            session, shop_id=shop.id, data=data, actor=BUILDER, now=container.clock.now()
        )


async def set_prices_include_tax(container: Container, *, shop: ShopRead, value: bool) -> None:
    async with unit_of_work(container.sessions) as session:
        await tax.update_catalog_settings(
            session,
            shop_id=shop.id,
            data=CatalogSettingsUpdate(prices_include_tax=value),
            actor=BUILDER,
            now=container.clock.now(),
        )
