"""Where views are kept: the table without Redis, Redis keys `cart:view:{cart_id}` and
`cart:counter:{cart_id}` with it; neither lets a view of an older cart version replace a
newer one. The migration makes exactly the tables the models describe."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.checkout.cart import CartView, CartViewStore, view_store
from shopkeeper.checkout.cart.view_store import DatabaseViewStore, RedisViewStore
from shopkeeper.db import unit_of_work
from shopkeeper.models import Base
from tests.checkout.cart.support import Shelf, add, get_cart, new_cart, token_headers

REDIS_URL = os.environ.get("SHOPKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS = pytest.mark.skipif(
    os.environ.get("SHOPKEEPER_TEST_BROKERS") != "1", reason="needs real Redis"
)


def _view(cart_id: uuid.UUID, version: int, count: int) -> CartView:
    return CartView(cart_id=cart_id, currency="PLN", version=version, items=[], gifts=[],
                    promotions=[], subtotal=0, discount=0, total=0, item_count=count,
                    line_count=0, built_at=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip


async def _save_in_order(store: CartViewStore, container: Container, shop_id: uuid.UUID,
                         cart_id: uuid.UUID) -> CartView | None:  # fmt: skip
    for version, count in ((2, 5), (1, 9), (2, 6)):  # a late rebuild of version 1 is ignored
        async with unit_of_work(container.sessions) as session:
            await store.save(session, shop_id=shop_id, view=_view(cart_id, version, count))
    async with container.sessions() as session:
        return await store.load(session, shop_id=shop_id, cart_id=cart_id)


async def test_the_table_keeps_the_newest_version(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    _, added = await new_cart(client, shelf.shop, shelf.lamp)
    cart_id = uuid.UUID(added["cart_id"])
    store = view_store(container)
    assert isinstance(store, DatabaseViewStore)  # no Redis configured

    kept = await _save_in_order(store, container, shelf.shop.id, cart_id)

    assert kept is not None and (kept.version, kept.item_count) == (2, 6)
    async with container.sessions() as session:
        assert await store.load(session, shop_id=uuid.uuid4(), cart_id=cart_id) is None


@pytest.fixture
async def redis_store() -> AsyncIterator[RedisViewStore]:
    store = RedisViewStore(REDIS_URL)
    yield store
    await store.close()


@pytest.mark.brokers
@REDIS
async def test_redis_keeps_the_newest_version_and_its_counter(
    redis_store: RedisViewStore, container: Container
) -> None:
    cart_id = uuid.uuid4()

    kept = await _save_in_order(redis_store, container, uuid.uuid4(), cart_id)

    assert kept is not None and (kept.version, kept.item_count) == (2, 6)
    assert await redis_store.item_count(cart_id) == 6


@pytest.mark.brokers
@REDIS
async def test_with_redis_configured_gets_and_the_handler_use_the_cart_keys(
    client: AsyncClient, shelf: Shelf, container: Container, redis_store: RedisViewStore
) -> None:
    # Redis for this container only (the view store is built from settings on first use).
    container.settings = container.settings.model_copy(update={"redis_url": REDIS_URL})
    token, added = await new_cart(client, shelf.shop, shelf.lamp, quantity=3)
    cart_id = uuid.UUID(added["cart_id"])

    view = await get_cart(client, shelf.shop, token_headers(token))

    assert isinstance(view_store(container), RedisViewStore)
    async with container.sessions() as session:
        stored = await redis_store.load(session, shop_id=shelf.shop.id, cart_id=cart_id)
    assert stored is not None and stored.model_dump(mode="json") == view
    assert await redis_store.item_count(cart_id) == 3
    await add(client, shelf.shop, shelf.ebook, headers=token_headers(token))
    await drain(container)  # the handler keeps the new version there, no GET needed
    async with container.sessions() as session:
        stored = await redis_store.load(session, shop_id=shelf.shop.id, cart_id=cart_id)
    assert stored is not None and (stored.version, stored.item_count) == (2, 4)
    assert await redis_store.item_count(cart_id) == 4


async def test_migrated_cart_tables_match_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)

    def differences(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "checkout_cart" in repr(d)] == []
