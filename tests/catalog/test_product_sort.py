"""A product list's order: newest (default), oldest, by name, by lowest price in a currency."""

from __future__ import annotations

from shopkeeper import catalog
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductFilter, ProductSort
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_product


async def _names(container: Container, shop: ShopRead, **filters: object) -> list[str]:
    async with unit_of_work(container.sessions) as session:
        page = await catalog.list_products(
            session, shop_id=shop.id, filters=ProductFilter.model_validate(filters)
        )
    return [p.name for p in page.items]


async def test_products_sort_by_age_name_and_lowest_price_in_a_currency(
    container: Container, owned_shop: tuple[ShopRead, object]
) -> None:
    shop, _owner = owned_shop
    clock = container.clock
    assert isinstance(clock, FrozenClock)
    for name, prices in [("beta", {"EUR": 500}), ("Alpha", {"EUR": 900, "PLN": 100}),
                         ("gamma", {"PLN": 50})]:  # fmt: skip
        await create_product(container, shop=shop, name=name, prices=prices)
        clock.advance(minutes=1)

    assert await _names(container, shop) == ["gamma", "Alpha", "beta"]
    assert await _names(container, shop, sort=ProductSort.OLDEST) == ["beta", "Alpha", "gamma"]
    assert await _names(container, shop, sort="name") == ["Alpha", "beta", "gamma"]
    assert await _names(container, shop, sort="name_desc") == ["gamma", "beta", "Alpha"]
    by_price = await _names(container, shop, sort="price", price_currency="eur")
    assert by_price == ["beta", "Alpha", "gamma"]  # gamma has no EUR price: last
    by_price_desc = await _names(container, shop, sort="price_desc", price_currency="EUR")
    assert by_price_desc == ["Alpha", "beta", "gamma"]
    no_currency = await _names(container, shop, sort="price")  # nothing to compare: newest
    assert no_currency == ["gamma", "Alpha", "beta"]
