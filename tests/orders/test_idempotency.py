"""POST /orders with an Idempotency-Key: one order per key, replays return it, misuse is 409."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.orders.models import Order
from tests.builders import shop_with_owner
from tests.builders.orders import create_sellable, stock_of, variant_id

BATCH = 50


async def _count_orders(container: Container) -> int:
    async with unit_of_work(container.sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_same_key_same_body_returns_the_same_order(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="physical", stock=10)
    url = f"/api/v1/shops/{shop.slug}/orders"
    headers = {**owner.headers, "Idempotency-Key": "order-1"}
    body = {"items": [{"variant_id": str(variant_id(product)), "quantity": 2}], "source": "api"}
    first = await client.post(url, json=body, headers=headers)
    # The same request with keys in another order and defaults spelled out is the same body.
    same = {"source": "api", "shipping_amount": 0, "currency": "EUR", **body}
    second = await client.post(url, json=same, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert await _count_orders(container) == 1
    assert await stock_of(container, product) == 8


async def test_same_key_with_another_body_is_a_conflict(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    url = f"/api/v1/shops/{shop.slug}/orders"
    headers = {**owner.headers, "Idempotency-Key": "k"}
    item = {"variant_id": str(variant_id(product))}
    assert (await client.post(url, json={"items": [item]}, headers=headers)).status_code == 201
    reused = await client.post(url, json={"items": [{**item, "quantity": 2}]}, headers=headers)
    assert reused.status_code == 409 and reused.json()["error"] == "IdempotencyKeyReused"
    assert await _count_orders(container) == 1


async def test_keys_are_per_shop_and_checked(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    ours = await create_sellable(container, shop=shop)
    theirs = await create_sellable(container, shop=other)
    for s, staff, product in ((shop, owner, ours), (other, other_owner, theirs)):
        response = await client.post(
            f"/api/v1/shops/{s.slug}/orders",
            json={"items": [{"variant_id": str(variant_id(product))}]},
            headers={**staff.headers, "Idempotency-Key": "shared-key"},
        )
        assert response.status_code == 201
    bad = await client.post(
        f"/api/v1/shops/{shop.slug}/orders",
        json={"items": [{"variant_id": str(variant_id(ours))}]},
        headers={**owner.headers, "Idempotency-Key": "x" * 256},
    )
    assert bad.status_code == 422 and bad.json()["error"] == "InvalidIdempotencyKey"


async def test_a_failed_placement_does_not_burn_the_key(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="physical", stock=1)
    url = f"/api/v1/shops/{shop.slug}/orders"
    headers = {**owner.headers, "Idempotency-Key": "retry-me"}
    body = {"items": [{"variant_id": str(variant_id(product)), "quantity": 2}]}
    assert (await client.post(url, json=body, headers=headers)).status_code == 409  # no stock
    body["items"][0]["quantity"] = 1
    assert (await client.post(url, json=body, headers=headers)).status_code == 201


@pytest.mark.timeout(900)
async def test_a_thousand_concurrent_retries_over_a_hundred_keys_make_a_hundred_orders(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="physical", stock=1000)
    url = f"/api/v1/shops/{shop.slug}/orders"
    body = {"items": [{"variant_id": str(variant_id(product)), "quantity": 3}]}

    async def post(n: int) -> tuple[str, int, str]:
        key = f"key-{n}"
        response = await client.post(
            url, json=body, headers={**owner.headers, "Idempotency-Key": key}
        )
        return key, response.status_code, response.json().get("id", response.text)

    keys = [n % 100 for n in range(1000)]
    random.Random(1000).shuffle(keys)  # each batch holds several requests with one key
    results: list[tuple[str, int, str]] = []
    for start in range(0, 1000, BATCH):
        results += await asyncio.gather(*(post(n) for n in keys[start : start + BATCH]))
    statuses = Counter(status for _, status, _ in results)
    assert statuses == {201: 100, 200: 900}, statuses
    by_key: dict[str, set[str]] = {}
    for key, _, order_id in results:
        by_key.setdefault(key, set()).add(order_id)
    assert len(by_key) == 100 and all(len(ids) == 1 for ids in by_key.values())
    assert len(set().union(*by_key.values())) == 100
    assert await _count_orders(container) == 100
    assert await stock_of(container, product) == 1000 - 300
