"""Builders for checkout.services and checkout.warranty: service and warranty products (by
SKU), a shop's services rules and warranty offers, made through the contexts' services."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductKind, ProductRead, VariantCreate
from shopkeeper.checkout import services, warranty
from shopkeeper.checkout.services import ServicesRulesRead, ServicesRulesUpdate
from shopkeeper.checkout.warranty import WarrantyOfferCreate, WarrantyOfferRead
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_product, price_list

BUILDER = Actor.system("tests")


async def create_sku_product(
    container: Container,
    *,
    shop: ShopRead,
    kind: ProductKind | str,
    sku: str,
    prices: Mapping[str, int],
    name: str | None = None,
    published: bool = True,
    category_id: uuid.UUID | None = None,
) -> ProductRead:
    """A product of `kind` with one variant `sku` at `prices` (minor units per currency)."""
    variant = VariantCreate(sku=sku, prices=price_list(prices))
    return await create_product(
        container,
        shop=shop,
        kind=kind,
        name=name or sku.title(),
        published=published,
        variants=[variant],
        category_id=category_id,
    )


async def save_services_rules(
    container: Container, *, shop: ShopRead, yaml: str
) -> ServicesRulesRead:
    async with unit_of_work(container.sessions) as session:
        return await services.save_rules(
            session,
            shop_id=shop.id,
            data=ServicesRulesUpdate(yaml=yaml),
            actor=BUILDER,
            now=container.clock.now(),
        )


async def create_warranty_offer(
    container: Container,
    *,
    shop: ShopRead,
    product_id: uuid.UUID,
    variant_id: uuid.UUID,
    months: int = 24,
    active: bool = True,
) -> WarrantyOfferRead:
    data = WarrantyOfferCreate(
        product_id=product_id, variant_id=variant_id, months=months, active=active
    )
    async with unit_of_work(container.sessions) as session:
        return await warranty.create_offer(
            session, shop_id=shop.id, data=data, actor=BUILDER, now=container.clock.now()
        )
