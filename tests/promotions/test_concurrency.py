"""Uses are counted atomically: concurrent applications never exceed a code's limits."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper import promotions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.promotions.models import PromoRedemption
from shopkeeper.shops import ShopRead
from tests.builders import create_shop, shop_with_owner
from tests.builders.orders import create_customer, create_sellable, stock_of, variant_id
from tests.builders.promotions import create_promo_code

BATCH = 100


async def _apply(
    container: Container,
    shop: ShopRead,
    code: str,
    product_id: uuid.UUID,
    customer_id: uuid.UUID | None = None,
) -> str:
    """Quote and redeem in one transaction of its own, as an order placement does."""
    try:
        async with unit_of_work(container.sessions) as session:
            now = container.clock.now()
            quote = await promotions.quote_promo_code(
                session, shop_id=shop.id, code=code, customer_id=customer_id, currency="EUR",
                lines=[promotions.PromoLine(product_id=product_id, amount=1000)], now=now,
            )  # fmt: skip
            await promotions.redeem(
                session, shop_id=shop.id, promo_code_id=quote.promo_code_id,
                customer_id=customer_id, order_id=uuid.uuid4(), discount=quote.discount,
                currency="EUR", now=now,
            )  # fmt: skip
    except AppError as exc:
        return exc.code
    return "redeemed"


async def _in_batches(calls: list, size: int = BATCH) -> Counter[str]:  # type: ignore[type-arg]
    outcomes: Counter[str] = Counter()
    for start in range(0, len(calls), size):
        outcomes.update(await asyncio.gather(*calls[start : start + size]))
    return outcomes


async def _redemptions(container: Container, promo_code_id: uuid.UUID) -> int:
    async with unit_of_work(container.sessions) as session:
        query = select(func.count()).select_from(PromoRedemption)
        return int(
            await session.scalar(query.where(PromoRedemption.promo_code_id == promo_code_id)) or 0
        )


@pytest.mark.timeout(600)
async def test_five_hundred_concurrent_applications_of_a_fifty_use_code(
    container: Container,
) -> None:
    shop = await create_shop(container)
    product_id = uuid.uuid4()
    code = await create_promo_code(container, shop=shop, max_uses=50)
    calls = [_apply(container, shop, code.code, product_id) for _ in range(500)]
    outcomes = await _in_batches(calls)
    assert outcomes == {"redeemed": 50, "PromoCodeExhausted": 450}, outcomes
    async with unit_of_work(container.sessions) as session:
        fresh = await promotions.get_promo_code(session, shop_id=shop.id, promo_code_id=code.id)
    assert fresh.used_count == 50
    assert await _redemptions(container, code.id) == 50


async def test_concurrent_uses_by_one_customer_stop_at_the_per_customer_limit(
    container: Container,
) -> None:
    shop = await create_shop(container)
    customer = await create_customer(container, shop=shop)
    code = await create_promo_code(container, shop=shop, max_uses_per_customer=2)
    calls = [_apply(container, shop, code.code, uuid.uuid4(), customer.id) for _ in range(40)]
    outcomes = await _in_batches(calls, size=40)
    assert outcomes == {"redeemed": 2, "PromoCodeCustomerLimitReached": 38}, outcomes
    async with unit_of_work(container.sessions) as session:
        fresh = await promotions.get_promo_code(session, shop_id=shop.id, promo_code_id=code.id)
    assert fresh.used_count == 2


@pytest.mark.timeout(600)
async def test_concurrent_orders_over_http_get_exactly_the_codes_uses(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="physical", stock=500, price=800)
    code = await create_promo_code(container, shop=shop, max_uses=10, amount_off={"EUR": 300})
    url = f"/api/v1/shops/{shop.slug}/orders"
    body = {"items": [{"variant_id": str(variant_id(product))}], "promo_code": code.code}

    async def order() -> str:
        response = await client.post(url, json=body, headers=owner.headers)
        if response.status_code == 201:
            assert response.json()["total"] == 500
            return "placed"
        return str(response.json()["error"])

    outcomes = await _in_batches([order() for _ in range(80)], size=40)
    assert outcomes == {"placed": 10, "PromoCodeExhausted": 70}, outcomes
    assert await stock_of(container, product) == 490  # refused orders reserved nothing
    assert await _redemptions(container, code.id) == 10
