"""Which services a cart may have: categories (with descendants), weight, size, prices per
currency, requires, standalone ones; and the check of a chosen service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from shopkeeper.bootstrap import Container
from shopkeeper.catalog.schemas import CategoryRead
from shopkeeper.checkout import services
from shopkeeper.checkout.services import (
    CartServices,
    ServiceChoice,
    ServiceNotAvailable,
    ServiceQuantityNotAllowed,
    ServicesCart,
    ServicesLine,
)
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import create_shop
from tests.builders.catalog import create_category
from tests.builders.services import create_sku_product, save_services_rules

PRICES: dict[str, dict[str, int]] = {
    "SVC-CARRY-IN": {"PLN": 4900, "EUR": 1200},
    "SVC-APPLIANCE-INSTALL": {"PLN": 9900},
    "SVC-ASSEMBLY": {"PLN": 5900, "EUR": 1500},
    "SVC-INSTALL": {"PLN": 12000},
    "SVC-SMS": {"PLN": 100, "EUR": 30},
    "SVC-GIFT-WRAP": {"PLN": 900},
}


@dataclass
class Store:
    shop: ShopRead
    categories: dict[str, CategoryRead]
    variants: dict[str, uuid.UUID]  # service SKU → variant id

    def ids(self, *slugs: str) -> frozenset[uuid.UUID]:
        return frozenset(self.categories[slug].id for slug in slugs)


async def appliance_store(container: Container) -> Store:
    """Appliances > Large appliances > Fridges; Furniture; Equipment; the default's services
    (extended support unpublished)."""
    shop = await create_shop(container, currency="PLN")
    appliances = await create_category(container, shop=shop, name="Appliances")
    large = await create_category(
        container, shop=shop, name="Large appliances", parent_id=appliances.id
    )
    fridges = await create_category(container, shop=shop, name="Fridges", parent_id=large.id)
    furniture = await create_category(container, shop=shop, name="Furniture")
    equipment = await create_category(container, shop=shop, name="Equipment")
    variants = {}
    for sku, prices in PRICES.items():
        product = await create_sku_product(
            container, shop=shop, kind="service", sku=sku, prices=prices
        )
        variants[sku] = product.variants[0].id
    await create_sku_product(
        container,
        shop=shop,
        kind="service",
        sku="SVC-EXTENDED-SUPPORT",
        prices={"PLN": 1500},
        published=False,
    )
    categories = {c.slug: c for c in (appliances, large, fridges, furniture, equipment)}
    assert set(categories) == {
        "appliances",
        "large-appliances",
        "fridges",
        "furniture",
        "equipment",
    }
    return Store(shop=shop, categories=categories, variants=variants)


def line(**fields: Any) -> ServicesLine:
    values: dict[str, Any] = {"item_id": uuid.uuid4(), "quantity": 1}
    values.update(fields)
    return ServicesLine(**values)


async def available(
    container: Container,
    store: Store,
    *lines: ServicesLine,
    currency: str = "PLN",
    language: str = "en",
) -> CartServices:
    async with unit_of_work(container.readers) as session:
        return await services.available_services(
            session,
            shop_id=store.shop.id,
            cart=ServicesCart(lines=list(lines)),
            currency=currency,
            language=language,
        )


async def choose(
    container: Container,
    store: Store,
    cart: list[ServicesLine],
    sku: str,
    *,
    parent: ServicesLine | None,
    quantity: int = 1,
    currency: str = "PLN",
) -> ServiceChoice:
    async with unit_of_work(container.readers) as session:
        return await services.check_service_choice(
            session,
            shop_id=store.shop.id,
            cart=ServicesCart(lines=cart),
            currency=currency,
            variant_id=store.variants[sku],
            parent_item_id=None if parent is None else parent.item_id,
            quantity=quantity,
        )


def skus(offers: CartServices, item: ServicesLine) -> list[str]:
    return [offer.sku for offer in offers.for_item(item.item_id)]


async def test_the_default_rules_by_category_descendants_and_weight(container: Container) -> None:
    store = await appliance_store(container)
    fridge = line(name="Fridge", quantity=2, weight_grams=65_000, category_ids=store.ids("fridges"))
    microwave = line(name="Microwave", weight_grams=15_000, category_ids=store.ids("fridges"))
    unweighed = line(name="Freezer", category_ids=store.ids("large-appliances"))
    sofa = line(name="Sofa", weight_grams=80_000, category_ids=store.ids("furniture"))
    tv = line(name="TV", quantity=3, category_ids=store.ids("equipment"))
    loose = line(name="Cable", category_ids=store.ids("appliances"))  # the parent: no match
    chosen = line(
        type="service", parent_item_id=fridge.item_id, variant_id=store.variants["SVC-CARRY-IN"]
    )

    offers = await available(
        container, store, fridge, microwave, unweighed, sofa, tv, loose, chosen
    )
    assert [i.item_id for i in offers.items] == [
        fridge.item_id,
        microwave.item_id,
        unweighed.item_id,
        sofa.item_id,
        tv.item_id,
        loose.item_id,
    ]  # product lines only, in cart order
    assert skus(offers, fridge) == ["SVC-CARRY-IN", "SVC-APPLIANCE-INSTALL"]
    assert skus(offers, microwave) == []  # below 20 kg, so no carrying in, so no install
    assert skus(offers, unweighed) == []  # weight unknown: the condition is not met
    assert skus(offers, sofa) == ["SVC-ASSEMBLY"]
    assert skus(offers, tv) == ["SVC-INSTALL"]
    assert skus(offers, loose) == []

    carry = offers.for_item(fridge.item_id)[0]
    assert (carry.name, carry.pricing, carry.unit_price, carry.quantity, carry.amount) == (
        "Carrying in",
        "per_unit",
        4900,
        2,
        9800,
    )
    assert carry.max_quantity == 2 and carry.requires == []
    assert offers.for_item(fridge.item_id)[1].requires == ["SVC-CARRY-IN"]
    install = offers.for_item(tv.item_id)[0]
    assert (install.pricing, install.quantity, install.max_quantity, install.amount) == (
        "per_line",
        1,
        1,
        12000,
    )
    # Standalone: extended support is unpublished, so not offered.
    assert [(s.sku, s.unit_price) for s in offers.standalone] == [
        ("SVC-SMS", 100),
        ("SVC-GIFT-WRAP", 900),
    ]
    assert offers.standalone[1].max_quantity == 10 and offers.standalone[1].pricing is None
    polish = await available(container, store, sofa, language="pl")
    assert polish.for_item(sofa.item_id)[0].name == "Montaż"


async def test_a_service_without_a_price_in_the_currency_is_not_offered(
    container: Container,
) -> None:
    store = await appliance_store(container)
    fridge = line(weight_grams=70_000, category_ids=store.ids("fridges"))
    tv = line(category_ids=store.ids("equipment"))
    euro = await available(container, store, fridge, tv, currency="EUR")
    assert skus(euro, fridge) == ["SVC-CARRY-IN"]  # installation has only a PLN price
    assert euro.for_item(fridge.item_id)[0].unit_price == 1200
    assert skus(euro, tv) == []
    assert [s.sku for s in euro.standalone] == ["SVC-SMS"]
    dollars = await available(container, store, fridge, currency="usd")
    assert (dollars.currency, skus(dollars, fridge), dollars.standalone) == ("USD", [], [])


async def test_saved_rules_with_size_and_weight_limits_and_any_item(container: Container) -> None:
    store = await appliance_store(container)
    await save_services_rules(
        container,
        shop=store.shop,
        yaml="""\
services:
  - sku: SVC-CARRY-IN
    kind: item
    categories: [large-appliances, furniture]
    conditions: {min_longest_side_mm: 1500, max_weight_g: 100000}
    max_quantity: 3
  - sku: SVC-SMS
    kind: item
    pricing: per_line
""",
    )
    tall = line(
        name="Wardrobe",
        quantity=5,
        weight_grams=90_000,
        dimensions_mm=(600, 2000, 500),
        category_ids=store.ids("furniture"),
    )
    low = line(
        name="Chest",
        weight_grams=30_000,
        dimensions_mm=(1000, 800, 500),
        category_ids=store.ids("furniture"),
    )
    heavy = line(
        name="Piano",
        weight_grams=250_000,
        dimensions_mm=(1600, 700, 1300),
        category_ids=store.ids("fridges"),
    )
    unmeasured = line(name="Fridge", weight_grams=60_000, category_ids=store.ids("fridges"))
    elsewhere = line(name="Book")
    offers = await available(container, store, tall, low, heavy, unmeasured, elsewhere)
    assert skus(offers, tall) == ["SVC-CARRY-IN", "SVC-SMS"]
    carry = offers.for_item(tall.item_id)[0]
    assert (carry.max_quantity, carry.quantity, carry.amount) == (3, 3, 3 * 4900)
    assert skus(offers, low) == ["SVC-SMS"]  # longest side 1000 mm < 1500 mm
    assert skus(offers, heavy) == ["SVC-SMS"]  # 250 kg > 100 kg
    assert skus(offers, unmeasured) == ["SVC-SMS"]  # size unknown
    assert skus(offers, elsewhere) == ["SVC-SMS"]  # no categories named: every item
    assert offers.standalone == []  # the saved rules replace the default entirely


async def test_a_chosen_service_is_checked_against_its_parent_line(container: Container) -> None:
    store = await appliance_store(container)
    fridge = line(name="Fridge", quantity=2, weight_grams=65_000, category_ids=store.ids("fridges"))
    sofa = line(name="Sofa", category_ids=store.ids("furniture"))
    tv = line(name="TV", category_ids=store.ids("equipment"))
    cart = [fridge, sofa, tv]

    carry = await choose(container, store, cart, "SVC-CARRY-IN", parent=fridge, quantity=2)
    assert (carry.parent_item_id, carry.quantity, carry.unit_price, carry.amount) == (
        fridge.item_id,
        2,
        4900,
        9800,
    )
    assert (carry.sku, carry.name, carry.kind) == ("SVC-CARRY-IN", "Carrying in", "item")
    sms = await choose(container, store, cart, "SVC-SMS", parent=None)
    assert (sms.parent_item_id, sms.amount) == (None, 100)
    wraps = await choose(container, store, cart, "SVC-GIFT-WRAP", parent=None, quantity=10)
    assert wraps.amount == 9000

    refusals: list[tuple[str, ServicesLine | None, int, str, type[Exception], str]] = [
        (
            "SVC-APPLIANCE-INSTALL",
            fridge,
            1,
            "PLN",
            ServiceNotAvailable,
            "Connection and installation comes with Carrying in: choose that for 'Fridge' first",
        ),
        (
            "SVC-CARRY-IN",
            sofa,
            1,
            "PLN",
            ServiceNotAvailable,
            "Carrying in is not offered for 'Sofa' (not in its categories)",
        ),
        (
            "SVC-CARRY-IN",
            fridge,
            3,
            "PLN",
            ServiceQuantityNotAllowed,
            "Carrying in: quantity 3 is not allowed; from 1 to 2 for 'Fridge'",
        ),
        (
            "SVC-INSTALL",
            tv,
            2,
            "PLN",
            ServiceQuantityNotAllowed,
            "Installation: quantity 2 is not allowed; from 1 to 1 for 'TV'",
        ),
        (
            "SVC-ASSEMBLY",
            None,
            1,
            "PLN",
            ServiceNotAvailable,
            "Assembly is done on an item: choose the item it is for",
        ),
        (
            "SVC-SMS",
            sofa,
            1,
            "PLN",
            ServiceNotAvailable,
            "SMS delivery notifications is for the whole order: choose it without an item",
        ),
        (
            "SVC-GIFT-WRAP",
            None,
            11,
            "PLN",
            ServiceQuantityNotAllowed,
            "Gift wrapping: quantity 11 is not allowed; from 1 to 10 per order",
        ),
        ("SVC-GIFT-WRAP", None, 1, "EUR", ServiceNotAvailable, "Gift wrapping has no price in EUR"),
        (
            "SVC-APPLIANCE-INSTALL",
            fridge,
            1,
            "EUR",
            ServiceNotAvailable,
            "Connection and installation has no price in EUR",
        ),
    ]
    for sku, parent, quantity, currency, error, detail in refusals:
        with pytest.raises(error) as caught:
            await choose(
                container, store, cart, sku, parent=parent, quantity=quantity, currency=currency
            )
        assert caught.value.detail == detail

    chosen = line(
        type="service",
        parent_item_id=fridge.item_id,
        variant_id=store.variants["SVC-CARRY-IN"],
        quantity=2,
    )
    install = await choose(
        container, store, [*cart, chosen], "SVC-APPLIANCE-INSTALL", parent=fridge, quantity=2
    )
    assert install.amount == 2 * 9900
    with pytest.raises(ServiceNotAvailable, match="not on a service line"):
        await choose(container, store, [*cart, chosen], "SVC-ASSEMBLY", parent=chosen)
    ghost = line(name="Ghost")
    with pytest.raises(ServiceNotAvailable, match=f"the cart has no item {ghost.item_id}"):
        await choose(container, store, cart, "SVC-ASSEMBLY", parent=ghost)


async def test_a_service_the_shop_does_not_offer_is_refused(container: Container) -> None:
    store = await appliance_store(container)
    other = await create_shop(container)
    foreign = await create_sku_product(
        container, shop=other, kind="service", sku="SVC-ASSEMBLY", prices={"PLN": 100}
    )
    sofa = line(name="Sofa", category_ids=store.ids("furniture"))
    store.variants["foreign"] = foreign.variants[0].id
    with pytest.raises(ServiceNotAvailable, match="This service is not offered in this shop"):
        await choose(container, store, [sofa], "foreign", parent=sofa)
