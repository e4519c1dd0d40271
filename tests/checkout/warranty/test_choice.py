"""Which warranties a cart's products may have, priced per currency, and the check of a
chosen one (offered for the parent's product, one per line, covering every unit)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shopkeeper.bootstrap import Container
from shopkeeper.checkout import warranty
from shopkeeper.checkout.warranty import (
    WarrantyAlreadyChosen,
    WarrantyCart,
    WarrantyChoice,
    WarrantyLine,
    WarrantyNotOffered,
    WarrantyOption,
)
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import create_shop
from tests.builders.catalog import create_product
from tests.builders.services import create_sku_product, create_warranty_offer


def line(**fields: Any) -> WarrantyLine:
    values: dict[str, Any] = {"item_id": uuid.uuid4(), "quantity": 1}
    values.update(fields)
    return WarrantyLine(**values)


async def offers_for(
    container: Container, shop: ShopRead, *product_ids: uuid.UUID, currency: str = "PLN"
) -> dict[uuid.UUID, list[WarrantyOption]]:
    async with unit_of_work(container.readers) as session:
        return await warranty.warranty_offers_for(
            session, shop_id=shop.id, product_ids=product_ids, currency=currency
        )


async def choose(
    container: Container,
    shop: ShopRead,
    cart: list[WarrantyLine],
    parent: WarrantyLine,
    variant_id: uuid.UUID,
    currency: str = "PLN",
) -> WarrantyChoice:
    async with unit_of_work(container.readers) as session:
        return await warranty.check_warranty_choice(
            session,
            shop_id=shop.id,
            cart=WarrantyCart(lines=cart),
            currency=currency,
            parent_item_id=parent.item_id,
            variant_id=variant_id,
        )


async def test_offers_per_product_active_published_and_priced_in_the_currency(
    container: Container,
) -> None:
    shop = await create_shop(container, currency="PLN")
    fridge = await create_product(container, shop=shop, name="Fridge")
    washer = await create_product(container, shop=shop, name="Washer")
    lamp = await create_product(container, shop=shop, name="Lamp")
    w24 = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="WAR-24",
        name="Warranty 24 m",
        prices={"PLN": 19_900, "EUR": 4_900},
    )
    w60 = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="WAR-60",
        name="Warranty 60 m",
        prices={"PLN": 39_900},
    )
    hidden = await create_sku_product(
        container, shop=shop, kind="warranty", sku="WAR-X", prices={"PLN": 1}, published=False
    )
    w12 = await create_sku_product(
        container, shop=shop, kind="warranty", sku="WAR-12", prices={"PLN": 9_900}
    )
    for product, variant, months, active in (
        (fridge, w60, 60, True),
        (fridge, w24, 24, True),
        (fridge, hidden, 6, True),
        (fridge, w12, 12, False),
        (washer, w24, 24, True),
    ):
        await create_warranty_offer(
            container,
            shop=shop,
            product_id=product.id,
            variant_id=variant.variants[0].id,
            months=months,
            active=active,
        )

    found = await offers_for(container, shop, fridge.id, washer.id, lamp.id)
    assert [(o.sku, o.months, o.price) for o in found[fridge.id]] == [
        ("WAR-24", 24, 19_900),
        ("WAR-60", 60, 39_900),
    ]  # shortest first; inactive and unpublished left out
    assert [o.sku for o in found[washer.id]] == ["WAR-24"]
    assert found[lamp.id] == []
    option = found[fridge.id][0]
    assert (option.name, option.warranty_product_id, option.currency) == (
        "Warranty 24 m",
        w24.id,
        "PLN",
    )
    euro = await offers_for(container, shop, fridge.id, currency="eur")
    assert [(o.sku, o.price, o.currency) for o in euro[fridge.id]] == [("WAR-24", 4_900, "EUR")]
    other = await create_shop(container)
    assert await offers_for(container, other, fridge.id) == {fridge.id: []}
    assert await offers_for(container, shop) == {}


async def test_a_chosen_warranty_must_be_offered_for_its_line_once(container: Container) -> None:
    shop = await create_shop(container, currency="PLN")
    fridge = await create_product(container, shop=shop, name="Fridge")
    lamp = await create_product(container, shop=shop, name="Lamp")
    w24 = await create_sku_product(
        container,
        shop=shop,
        kind="warranty",
        sku="WAR-24",
        name="Warranty 24 m",
        prices={"PLN": 19_900},
    )
    await create_warranty_offer(
        container, shop=shop, product_id=fridge.id, variant_id=w24.variants[0].id, months=24
    )
    variant = w24.variants[0].id
    fridges = line(name="Fridge", product_id=fridge.id, quantity=2)
    lamps = line(name="Lamp", product_id=lamp.id)
    cart = [fridges, lamps]

    chosen = await choose(container, shop, cart, fridges, variant)
    assert (chosen.parent_item_id, chosen.months, chosen.quantity, chosen.unit_price) == (
        fridges.item_id,
        24,
        2,
        19_900,
    )
    assert (chosen.amount, chosen.sku, chosen.currency) == (39_800, "WAR-24", "PLN")

    with pytest.raises(WarrantyNotOffered, match="not offered for 'Lamp'"):
        await choose(container, shop, cart, lamps, variant)
    with pytest.raises(WarrantyNotOffered, match="not offered for 'Fridge'"):
        await choose(container, shop, cart, fridges, variant, currency="EUR")
    with pytest.raises(WarrantyNotOffered, match="not offered for 'Fridge'"):
        await choose(container, shop, cart, fridges, fridge.variants[0].id)
    held = line(type="warranty", variant_id=variant, parent_item_id=fridges.item_id)
    with pytest.raises(WarrantyAlreadyChosen, match="'Fridge' already has a warranty"):
        await choose(container, shop, [*cart, held], fridges, variant)
    with pytest.raises(WarrantyNotOffered, match="covers a product, not a warranty line"):
        await choose(container, shop, [*cart, held], held, variant)
    ghost = line(product_id=fridge.id)
    with pytest.raises(WarrantyNotOffered, match=f"The cart has no item {ghost.item_id}"):
        await choose(container, shop, cart, ghost, variant)
    other = await create_shop(container, currency="PLN")
    with pytest.raises(WarrantyNotOffered):
        await choose(container, other, cart, fridges, variant)  # offers are per shop
