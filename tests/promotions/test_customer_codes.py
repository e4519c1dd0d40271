"""A code issued to one customer: theirs alone at placement and at redemption; when their
records merge, the code follows the surviving record and still works for that person."""

from __future__ import annotations

import pytest

from shopkeeper import bus, identity, promotions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.promotions import PromoCodeNotForCustomer
from tests.builders import create_shop
from tests.builders.orders import create_customer, create_sellable, place_order
from tests.builders.promotions import create_promo_code


async def test_only_its_customer_places_an_order_with_the_code(container: Container) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, price=1000)
    ann = await create_customer(container, shop=shop)
    bob = await create_customer(container, shop=shop)
    code = await create_promo_code(container, shop=shop, customer_id=ann.id, max_uses=1)
    order = {"items": [(product, 1)], "promo_code": code.code}

    with pytest.raises(PromoCodeNotForCustomer) as other:
        await place_order(container, shop=shop, customer_id=bob.id, **order)
    with pytest.raises(PromoCodeNotForCustomer) as nobody:
        await place_order(container, shop=shop, customer_id=None, **order)
    placed = await place_order(container, shop=shop, customer_id=ann.id, **order)

    assert other.value.detail == f"Promo code {code.code} was issued to another customer"
    assert other.value.status_code == 422
    assert "the order needs that customer" in nobody.value.detail
    assert (placed.promo_code, placed.discount) == (code.code, 100)


async def test_redeeming_for_someone_else_is_refused_and_takes_no_use(
    container: Container,
) -> None:
    shop = await create_shop(container)
    ann = await create_customer(container, shop=shop)
    bob = await create_customer(container, shop=shop)
    code = await create_promo_code(container, shop=shop, customer_id=ann.id, max_uses=1)

    async with unit_of_work(container.sessions) as session:
        with pytest.raises(PromoCodeNotForCustomer):
            await promotions.redeem(
                session, shop_id=shop.id, promo_code_id=code.id, customer_id=bob.id,
                order_id=code.id, discount=100, currency="EUR", now=container.clock.now(),
            )  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        after = await promotions.get_promo_code(session, shop_id=shop.id, promo_code_id=code.id)
    assert after.used_count == 0


async def test_a_code_follows_its_customer_into_a_merge(container: Container) -> None:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, price=1000)
    older = await create_customer(container, shop=shop)
    container.clock.advance(seconds=1)  # type: ignore[attr-defined]
    newer = await create_customer(container, shop=shop)
    stranger = await create_customer(container, shop=shop)
    code = await create_promo_code(container, shop=shop, customer_id=newer.id)
    email = next(i.value for i in newer.identities)
    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=older.id, kind="email", value=email,
            now=container.clock.now(),
        )  # fmt: skip
    await bus.drain(container)
    await bus.drain(container)  # a redelivery changes nothing

    async with unit_of_work(container.sessions) as session:
        moved = await promotions.get_promo_code(session, shop_id=shop.id, promo_code_id=code.id)
    assert moved.customer_id == older.id
    order = {"items": [(product, 1)], "promo_code": code.code}
    with pytest.raises(PromoCodeNotForCustomer):
        await place_order(container, shop=shop, customer_id=stranger.id, **order)
    assert (await place_order(container, shop=shop, customer_id=newer.id, **order)).discount == 100
    assert (await place_order(container, shop=shop, customer_id=older.id, **order)).discount == 100


async def test_the_migrated_promo_code_table_matches_the_model(database_url: str) -> None:
    from typing import Any

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from shopkeeper.models import Base

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "promotions_promo_code" in repr(d)] == []
