"""Concurrent adds of the same thing to one cart make one line with every unit counted, on
SQLite and PostgreSQL alike; concurrent first adds of a customer make one cart."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.checkout.cart.models import Cart, CartItem
from tests.checkout.cart.support import (
    Shelf,
    add,
    cart_events,
    customer_with_session,
    get_cart,
    lines,
    new_cart,
    token_headers,
)

RACERS = 20


async def test_twenty_concurrent_adds_of_one_variant_make_one_line_of_twenty(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    token, _ = await new_cart(client, shelf.shop, shelf.ebook)
    headers = token_headers(token)

    answers = await asyncio.gather(
        *(add(client, shelf.shop, shelf.chair, headers=headers) for _ in range(RACERS))
    )

    assert sorted(r.status_code for r in answers) == [200] * (RACERS - 1) + [201]
    async with container.sessions() as session:
        chairs = list(await session.scalars(
            select(CartItem).where(CartItem.variant_id == shelf.chair.variants[0].id)
        ))  # fmt: skip
        [cart] = list(await session.scalars(select(Cart)))
    assert [c.quantity for c in chairs] == [RACERS] and cart.version == 1 + RACERS
    view = await get_cart(client, shelf.shop, headers)
    assert lines(view) == {"Night sky guide": 1, "Chair": RACERS}
    names = [e.name for e in await cart_events(container)]
    assert names.count("cart.item_added.v1") == 2
    assert names.count("cart.item_quantity_changed.v1") == RACERS - 1


async def test_concurrent_first_adds_of_a_customer_share_one_cart(
    client: AsyncClient, shelf: Shelf, container: Container
) -> None:
    customer, signed_in = await customer_with_session(container, shelf.shop)

    answers = await asyncio.gather(
        *(add(client, shelf.shop, shelf.chair, headers=signed_in) for _ in range(RACERS))
    )

    assert all(r.is_success for r in answers), [r.text for r in answers if not r.is_success]
    assert len({r.json()["cart_id"] for r in answers}) == 1
    async with container.sessions() as session:
        carts = list(await session.scalars(select(Cart)))
        quantities = list(await session.scalars(select(CartItem.quantity)))
    assert [c.customer_id for c in carts] == [customer.id] and quantities == [RACERS]
