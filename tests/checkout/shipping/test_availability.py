"""Which methods a cart can use: weight, item size, categories, cart value, free-from prices."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.bootstrap import Container
from shopkeeper.checkout import shipping
from shopkeeper.checkout.shipping import CartDescription, CartLine, MethodOffer, ShippingMethodRead
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead
from tests.builders import create_shop
from tests.builders.shipping import create_shipping_method

FURNITURE, GLASS, SMALL = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def line(**fields: Any) -> CartLine:
    values: dict[str, Any] = {"quantity": 1, "amount": 5000}
    values.update(fields)
    return CartLine(**values)


def cart(*lines: CartLine, total: int = 10_000, currency: str = "PLN") -> CartDescription:
    return CartDescription(currency=currency, total=total, lines=list(lines))


async def offers(
    container: Container, shop: ShopRead, basket: CartDescription
) -> dict[str, MethodOffer]:
    async with unit_of_work(container.readers) as session:
        found = await shipping.available_methods(
            session, shop_id=shop.id, cart=basket, now=container.clock.now()
        )
    return {offer.code: offer for offer in found}


def reasons(offer: MethodOffer) -> list[str]:
    return [r.code for r in offer.reasons]


async def test_prices_per_currency_and_free_from_the_threshold(container: Container) -> None:
    shop = await create_shop(container)
    await create_shipping_method(
        container, shop=shop, code="courier", prices={"PLN": 1500, "EUR": 400},
        free_above={"PLN": 30_000},
    )  # fmt: skip
    await create_shipping_method(
        container, shop=shop, code="pickup", kind="pickup", prices={"PLN": 0}
    )
    below = await offers(container, shop, cart(line(), total=29_999))
    assert (below["courier"].available, below["courier"].price, below["courier"].free) == (
        True, 1500, False,
    )  # fmt: skip
    assert (below["pickup"].price, below["pickup"].free) == (0, True)
    at = await offers(container, shop, cart(line(), total=30_000))
    assert (at["courier"].price, at["courier"].free) == (0, True)
    euro = await offers(container, shop, cart(line(), total=1_000_000, currency="EUR"))
    assert (euro["courier"].price, euro["courier"].currency) == (400, "EUR")  # no EUR threshold
    assert euro["pickup"].available is False and reasons(euro["pickup"]) == [
        "currency_not_supported"
    ]
    assert euro["pickup"].price is None


async def test_total_weight_limit_counts_quantities(container: Container) -> None:
    shop = await create_shop(container)
    await create_shipping_method(container, shop=shop, code="locker", max_weight_grams=25_000)
    fits = await offers(container, shop, cart(line(weight_grams=12_000, quantity=2), line()))
    assert fits["locker"].available  # 24 kg, and a line of unknown weight counts as nothing
    heavy = await offers(
        container, shop, cart(line(weight_grams=12_500, quantity=2), line(weight_grams=1))
    )
    assert reasons(heavy["locker"]) == ["too_heavy"]
    assert heavy["locker"].reasons[0].detail == (
        "the cart weighs 25.001 kg; Courier takes at most 25 kg"
    )


async def test_an_item_must_fit_side_by_side_whichever_way_it_is_turned(
    container: Container,
) -> None:
    shop = await create_shop(container)
    await create_shipping_method(
        container, shop=shop, code="locker", max_item_dimensions_mm=[380, 640, 410]
    )
    turned = await offers(container, shop, cart(line(dimensions_mm=(600, 300, 400))))
    assert turned["locker"].available
    flat = await offers(
        container, shop, cart(line(name="Mirror", dimensions_mm=(500, 500, 20)), line())
    )  # less volume than the box, but 500 > 410 on its second side
    assert reasons(flat["locker"]) == ["item_too_large"]
    assert "'Mirror' measures 500×500×20 mm" in flat["locker"].reasons[0].detail


async def test_excluded_and_allowed_categories(container: Container) -> None:
    shop = await create_shop(container)
    await create_shipping_method(container, shop=shop, code="post", excluded_category_ids=[GLASS])
    await create_shipping_method(
        container, shop=shop, code="freight", allowed_category_ids=[FURNITURE]
    )
    sofa = line(name="Sofa", category_ids={FURNITURE})
    vase = line(name="Vase", category_ids={GLASS, SMALL})
    mixed = await offers(container, shop, cart(sofa, vase))
    assert reasons(mixed["post"]) == ["category_excluded"]
    assert "does not carry 'Vase'" in mixed["post"].reasons[0].detail
    assert reasons(mixed["freight"]) == ["category_not_allowed"]
    only_sofa = await offers(container, shop, cart(sofa))
    assert only_sofa["post"].available and only_sofa["freight"].available


async def test_cart_value_range_and_every_reason_at_once(container: Container) -> None:
    shop = await create_shop(container)
    await create_shipping_method(
        container, shop=shop, code="cod", min_cart_value={"PLN": 5_000},
        max_cart_value={"PLN": 100_000}, max_weight_grams=1_000,
    )  # fmt: skip
    low = await offers(container, shop, cart(line(weight_grams=2_000), total=4_999))
    assert reasons(low["cod"]) == ["too_heavy", "cart_value_too_low"]
    assert "at least PLN50.00" in low["cod"].reasons[1].detail
    high = await offers(container, shop, cart(line(), total=100_001))
    assert reasons(high["cod"]) == ["cart_value_too_high"]
    edges = [await offers(container, shop, cart(line(), total=t)) for t in (5_000, 100_000)]
    assert all(o["cod"].available for o in edges)


async def test_only_active_methods_in_order_with_addons_of_the_currency(
    container: Container,
) -> None:
    shop = await create_shop(container)
    await create_shipping_method(container, shop=shop, code="b", position=2)
    await create_shipping_method(container, shop=shop, code="a", position=1, cash_on_delivery=True)
    await create_shipping_method(container, shop=shop, code="off", active=False)
    await create_shipping_method(
        container, shop=shop, code="dated", position=3, requires_delivery_date=True,
        calendar_code="DPD", addons=[
            {"code": "sunday", "name": "Sunday", "prices": {"PLN": 2500}, "rule": "sunday"},
            {"code": "gift", "name": "Gift note", "prices": {"EUR": 100}},
        ],
    )  # fmt: skip
    found = await offers(container, shop, cart(line()))
    assert list(found) == ["a", "b", "dated"]
    assert found["a"].cash_on_delivery and not found["b"].cash_on_delivery
    assert [(a.code, a.price) for a in found["dated"].addons] == [("sunday", 2500)]
    assert (found["a"].calendar, found["dated"].calendar) == ("not_needed", "unknown")


def _method(price: int, threshold: int) -> ShippingMethodRead:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return ShippingMethodRead(
        id=uuid.uuid4(), code="m", name="M", kind="courier", prices={"PLN": price},
        free_above={"PLN": threshold}, max_weight_grams=None, max_item_dimensions_mm=None,
        allowed_category_ids=[], excluded_category_ids=[], min_cart_value={},
        max_cart_value={}, requires_delivery_date=False, calendar_code=None,
        cash_on_delivery=False, active=True, position=0, addons=[], created_at=now,
        updated_at=now,
    )  # fmt: skip


@given(
    price=st.integers(min_value=0, max_value=10**6),
    threshold=st.integers(min_value=0, max_value=10**7),
    total=st.integers(min_value=0, max_value=10**7),
)
def test_the_price_is_the_method_price_below_the_threshold_and_zero_from_it(
    price: int, threshold: int, total: int
) -> None:
    [offer] = shipping.offer_methods([_method(price, threshold)], cart(total=total))
    assert offer.available
    assert offer.price == (0 if total >= threshold else price)
    assert offer.free == (offer.price == 0)
