"""Applying codes to orders: what they take off, and each typed reason a code is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shopkeeper import orders, promotions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.promotions import (
    PromoCodeBelowMinimum,
    PromoCodeCustomerLimitReached,
    PromoCodeCustomerRequired,
    PromoCodeExhausted,
    PromoCodeExpired,
    PromoCodeFirstPurchaseOnly,
    PromoCodeNotApplicable,
    PromoCodeNotFound,
    PromoCodeNotYetValid,
)
from shopkeeper.shops import ShopRead
from tests.builders import create_shop
from tests.builders.orders import create_customer, create_sellable, mark_paid, place_order
from tests.builders.promotions import create_promo_code


async def _shop_and_product(container: Container, price: int = 1000):  # type: ignore[no-untyped-def]
    shop = await create_shop(container)
    return shop, await create_sellable(container, shop=shop, price=price)


async def _refused(container: Container, shop: ShopRead, error: type[AppError], **order) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        await place_order(container, shop=shop, **order)
    return caught.value.detail


async def test_validity_window(container: Container, clock: FrozenClock) -> None:
    shop, product = await _shop_and_product(container)
    now = clock.now()
    code = await create_promo_code(
        container, shop=shop, valid_from=now + timedelta(days=1),
        valid_until=now + timedelta(days=2),
    )  # fmt: skip
    order = {"items": [(product, 1)], "promo_code": code.code}
    detail = await _refused(container, shop, PromoCodeNotYetValid, **order)
    assert "is valid from" in detail
    clock.advance(days=1)
    assert (await place_order(container, shop=shop, **order)).discount == 100
    clock.advance(days=1)
    detail = await _refused(container, shop, PromoCodeExpired, **order)
    assert detail == f"Promo code {code.code} expired at {(now + timedelta(days=2)).isoformat()}"


async def test_exhausted_after_max_uses(container: Container) -> None:
    shop, product = await _shop_and_product(container)
    code = await create_promo_code(container, shop=shop, max_uses=2)
    order = {"items": [(product, 1)], "promo_code": code.code}
    await place_order(container, shop=shop, **order)
    await place_order(container, shop=shop, **order)
    await _refused(container, shop, PromoCodeExhausted, **order)


async def test_unknown_code(container: Container) -> None:
    shop, product = await _shop_and_product(container)
    other = await create_shop(container)
    theirs = await create_promo_code(container, shop=other)
    await _refused(container, shop, PromoCodeNotFound, items=[(product, 1)], promo_code="NOPE")
    await _refused(container, shop, PromoCodeNotFound, items=[(product, 1)], promo_code=theirs.code)


async def test_restricted_codes_discount_only_their_products(container: Container) -> None:
    shop, plan = await _shop_and_product(container, price=3000)
    other = await create_sellable(container, shop=shop, price=1000)
    code = await create_promo_code(container, shop=shop, percent_off_bp=5000, product_ids=[plan.id])
    order = await place_order(
        container, shop=shop, items=[(plan, 1), (other, 2)], promo_code=code.code
    )
    assert [line.discount for line in order.lines] == [1500, 0]
    assert (order.subtotal, order.discount, order.total) == (5000, 1500, 3500)
    detail = await _refused(
        container, shop, PromoCodeNotApplicable, items=[(other, 1)], promo_code=code.code
    )
    assert detail == f"Promo code {code.code} does not apply to these products"


async def test_fixed_codes_are_per_currency_and_spread_by_largest_remainder(
    container: Container,
) -> None:
    shop = await create_shop(container)
    products = [
        await create_sellable(container, shop=shop, price=333, prices=[("PLN", 1500)])
        for _ in range(3)
    ]
    code = await create_promo_code(container, shop=shop, amount_off={"EUR": 500})
    order = await place_order(
        container, shop=shop, items=[(p, 1) for p in products], promo_code=code.code
    )
    assert [line.discount for line in order.lines] == [167, 167, 166]
    assert order.discount == 500 and order.total == 999 - 500
    detail = await _refused(
        container, shop, PromoCodeNotApplicable, items=[(products[0], 1)], currency="PLN",
        promo_code=code.code,
    )  # fmt: skip
    assert detail == f"Promo code {code.code} gives no discount in PLN"
    small = await create_promo_code(container, shop=shop, amount_off={"EUR": 5000})
    capped = await place_order(
        container, shop=shop, items=[(products[0], 1)], promo_code=small.code
    )
    assert (capped.discount, capped.total) == (333, 0)


async def test_minimum_order_amount(container: Container) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, price=1000, prices=[("PLN", 4000)])
    code = await create_promo_code(container, shop=shop, minimum_amount={"EUR": 2500})
    detail = await _refused(
        container, shop, PromoCodeBelowMinimum, items=[(product, 2)], promo_code=code.code
    )
    assert "at least 2500 EUR" in detail
    order = await place_order(container, shop=shop, items=[(product, 3)], promo_code=code.code)
    assert order.discount == 300
    detail = await _refused(
        container, shop, PromoCodeNotApplicable, items=[(product, 3)], promo_code=code.code,
        currency="PLN",
    )  # fmt: skip
    assert detail == f"Promo code {code.code} is not valid for PLN"


async def test_first_purchase_only(container: Container) -> None:
    shop, product = await _shop_and_product(container)
    code = await create_promo_code(container, shop=shop, first_purchase_only=True)
    newcomer = await create_customer(container, shop=shop)
    regular = await create_customer(container, shop=shop)
    await mark_paid(
        container, await place_order(container, shop=shop, items=[(product, 1)],
                                     customer_id=regular.id),
    )  # fmt: skip
    ok = await place_order(
        container, shop=shop, items=[(product, 1)], promo_code=code.code,
        customer_id=newcomer.id,
    )  # fmt: skip
    assert ok.discount == 100
    detail = await _refused(
        container, shop, PromoCodeFirstPurchaseOnly, items=[(product, 1)],
        promo_code=code.code, customer_id=regular.id,
    )  # fmt: skip
    assert detail == f"Promo code {code.code} is for a customer's first purchase only"
    await _refused(
        container, shop, PromoCodeFirstPurchaseOnly, items=[(product, 1)], promo_code=code.code
    )


async def test_uses_per_customer_come_back_when_an_order_is_cancelled(
    container: Container,
) -> None:
    shop, product = await _shop_and_product(container)
    code = await create_promo_code(container, shop=shop, max_uses_per_customer=1)
    customer = await create_customer(container, shop=shop)
    order = {"items": [(product, 1)], "promo_code": code.code, "customer_id": customer.id}
    first = await place_order(container, shop=shop, **order)
    detail = await _refused(container, shop, PromoCodeCustomerLimitReached, **order)
    assert detail == f"Promo code {code.code} can be used once per customer"
    await _refused(
        container, shop, PromoCodeCustomerRequired, items=[(product, 1)], promo_code=code.code
    )
    async with unit_of_work(container.sessions) as session:
        await orders.cancel_order(
            session, shop_id=shop.id, order_id=first.id, reason="test",
            now=container.clock.now(),
        )  # fmt: skip
    assert (await place_order(container, shop=shop, **order)).discount == 100


async def test_a_quote_names_each_lines_share(container: Container) -> None:
    shop, product = await _shop_and_product(container)
    code = await create_promo_code(container, shop=shop, percent_off_bp=3333)
    lines = [promotions.PromoLine(product_id=product.id, amount=amount) for amount in (1000, 1, 15)]
    async with unit_of_work(container.sessions) as session:
        quote = await promotions.quote_promo_code(
            session, shop_id=shop.id, code=code.code.lower(), customer_id=None, currency="eur",
            lines=lines, now=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
    assert quote.line_discounts == [333, 0, 5] and quote.discount == 338
    assert (quote.promo_code_id, quote.code) == (code.id, code.code)
