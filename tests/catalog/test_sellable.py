"""get_sellable: what orders may sell, at which price and tax, and what they may not."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient

from shopkeeper import catalog
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import PriceNotFound, ProductKind, SellableRead, VariantNotFound
from shopkeeper.catalog.schemas import VariantCreate
from shopkeeper.shops import ShopRead
from tests.builders import Staff, create_shop
from tests.builders.catalog import (
    create_product,
    create_tax_class,
    price_list,
    set_prices_include_tax,
)


async def sellable(
    container: Container, shop: ShopRead, variant_id: uuid.UUID, currency: str = "EUR"
) -> SellableRead:
    async with container.sessions() as session:
        return await catalog.get_sellable(
            session, shop_id=shop.id, variant_id=variant_id, currency=currency
        )


async def test_a_published_variant_sells_at_its_price_and_tax(container: Container) -> None:
    shop = await create_shop(container)
    vat = await create_tax_class(container, shop=shop, rate_bp=2300)
    variants = [
        VariantCreate(sku="TEE-S", name="S", stock=4, prices=price_list({"PLN": 7900})),
        VariantCreate(sku="TEE-M", prices=price_list({"PLN": 8900})),
    ]
    product = await create_product(
        container, shop=shop, name="Tee", variants=variants, tax_class_id=vat.id
    )
    small, medium = product.variants
    got = await sellable(container, shop, small.id, "pln")
    assert got == SellableRead(
        product_id=product.id,
        variant_id=small.id,
        sku="TEE-S",
        name="Tee — S",
        kind=ProductKind.PHYSICAL,
        currency="PLN",
        unit_amount=7900,
        tax_rate_bp=2300,
        prices_include_tax=True,
        tracks_stock=True,
        plan=None,
        category_id=None,
    )
    plain = await sellable(container, shop, medium.id, "PLN")
    assert (plain.name, plain.tracks_stock) == ("Tee", False)

    await set_prices_include_tax(container, shop=shop, value=False)
    assert (await sellable(container, shop, medium.id, "PLN")).prices_include_tax is False


async def test_plans_carry_their_terms_and_untaxed_products_have_rate_zero(
    container: Container,
) -> None:
    shop = await create_shop(container)
    plan = await create_product(container, shop=shop, kind="plan", prices={"XTR": 500})
    got = await sellable(container, shop, plan.variants[0].id, "XTR")
    assert got.plan is not None and got.plan.period_unit == "month"
    assert (got.kind, got.unit_amount, got.tax_rate_bp, got.tracks_stock) == (
        ProductKind.PLAN,
        500,
        0,
        False,
    )


async def test_what_cannot_be_sold(
    client: AsyncClient, container: Container, owned_shop: tuple[ShopRead, Staff]
) -> None:
    shop, owner = owned_shop
    other = await create_shop(container)
    draft = await create_product(container, shop=shop, published=False)
    live = await create_product(container, shop=shop, prices={"EUR": 100})
    archived = await create_product(container, shop=shop)
    await client.delete(f"/api/v1/shops/{shop.slug}/products/{archived.id}", headers=owner.headers)

    for shop_, variant_id in (
        (shop, draft.variants[0].id),  # unpublished
        (shop, archived.variants[0].id),  # archived
        (other, live.variants[0].id),  # another shop's
        (shop, uuid.uuid4()),  # unknown
    ):
        with pytest.raises(VariantNotFound):
            await sellable(container, shop_, variant_id)
    with pytest.raises(PriceNotFound) as missing:
        await sellable(container, shop, live.variants[0].id, "USD")
    assert missing.value.status_code == 422 and "USD" in missing.value.detail


async def test_list_published_shows_customers_only_live_published_products(
    container: Container,
) -> None:
    shop = await create_shop(container)
    other = await create_shop(container)
    shown = await create_product(container, shop=shop, kind="course", name="Course")
    await create_product(container, shop=shop, published=False)
    await create_product(container, shop=other)
    async with container.sessions() as session:
        page = await catalog.list_published(session, shop_id=shop.id)
        courses = await catalog.list_published(session, shop_id=shop.id, kind=ProductKind.PLAN)
    assert [p.id for p in page.items] == [shown.id] and page.total == 1
    assert courses.items == []
