"""Customers' Discord accounts: tokens kept encrypted, linked to the customer, following merges."""

from __future__ import annotations

from sqlalchemy import select

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bots.discord.models import DiscordAccount
from shopkeeper.db import unit_of_work
from tests.bots.discord.conftest import ShopOwner, World
from tests.bots.discord.helpers import settle, sign_in
from tests.builders.orders import create_customer


async def account_of(container: Container, user_id: str) -> DiscordAccount:
    async with unit_of_work(container.sessions) as session:
        query = select(DiscordAccount).where(DiscordAccount.discord_user_id == user_id)
        return (await session.scalars(query)).one()


async def test_tokens_are_stored_encrypted_and_the_identity_linked(
    container: Container, connected: ShopOwner, world: World
) -> None:
    buyer = await create_customer(container, shop=connected.shop)
    ola = world.fake.add_user("ola", locale="pl", global_name="Ola")

    await sign_in(container, connected, world, ola, buyer.id)

    row = await account_of(container, ola.id)
    assert (row.customer_id, row.username, row.global_name, row.locale) == (
        buyer.id,
        "ola",
        "Ola",
        "pl",
    )
    assert row.scopes == "identify email guilds.join"
    token = container.secrets.decrypt(row.access_token_encrypted)
    assert token in world.fake.access_tokens and token not in row.access_token_encrypted
    async with unit_of_work(container.sessions) as session:
        customer = await identity.get_customer(
            session, shop_id=connected.shop.id, customer_id=buyer.id
        )
    assert ("discord", ola.id) in {(i.kind, i.value) for i in customer.identities}


async def test_the_account_follows_its_customer_into_a_merge(
    container: Container, connected: ShopOwner, world: World
) -> None:
    older = await create_customer(container, shop=connected.shop)
    ola = world.fake.add_user("ola")
    async with unit_of_work(container.sessions) as session:
        newer = await identity.find_or_create_customer(
            session,
            shop_id=connected.shop.id,
            kind="discord",
            value=ola.id,
            now=container.clock.now(),
        )
    await sign_in(container, connected, world, ola, newer.id)
    assert (await account_of(container, ola.id)).customer_id == newer.id
    email = next(i.value for i in older.identities if i.kind == "email")

    async with unit_of_work(container.sessions) as session:  # the same person, by e-mail
        await identity.link_identity(
            session,
            shop_id=connected.shop.id,
            customer_id=newer.id,
            kind="email",
            value=email,
            now=container.clock.now(),
        )
    await settle(container)

    assert (await account_of(container, ola.id)).customer_id == older.id
