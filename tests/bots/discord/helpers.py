"""Helpers of the Discord tests: mapped roles, customers with Discord, paid plans, reads."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import access, bus
from shopkeeper.access import GrantRead
from shopkeeper.access.schemas import GrantFilter
from shopkeeper.bootstrap import Container
from shopkeeper.bots.discord import oauth
from shopkeeper.bots.discord.service.accounts import store_user_tokens
from shopkeeper.bus.models import Delivery
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.identity import find_or_create_customer
from shopkeeper.notifications.models import NotificationMessage
from tests.bots.discord.conftest import ShopOwner, World
from tests.builders.subscriptions import buy, create_plan
from tests.fakes.discord import User


async def map_role(
    client: AsyncClient, so: ShopOwner, product: ProductRead, role_id: str
) -> dict[str, Any]:
    body = {"product_id": str(product.id), "role_id": role_id}
    response = await client.post(so.url("/roles"), json=body, headers=so.owner.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def premium_plan(
    container: Container,
    client: AsyncClient,
    so: ShopOwner,
    world: World,
    *,
    name: str = "Premium month",
) -> ProductRead:
    plan = await create_plan(container, shop=so.shop, name=name)
    await map_role(client, so, plan, world.premium.id)
    return plan


async def discord_customer(container: Container, so: ShopOwner, user: User) -> uuid.UUID:
    """A customer known by their Discord id (e.g. who used /premium status)."""
    async with unit_of_work(container.sessions) as session:
        customer = await find_or_create_customer(
            session, shop_id=so.shop.id, kind="discord", value=user.id, now=container.clock.now()
        )
    return customer.id


async def sign_in(
    container: Container,
    so: ShopOwner,
    world: World,
    user: User,
    customer_id: uuid.UUID,
    *,
    scopes: tuple[str, ...] = oauth.DEFAULT_SCOPES,
) -> None:
    """What the storefront's Discord sign-in does with the tokens it got."""
    token = world.fake.issue_token(world.app, user, scopes)
    tokens = oauth.DiscordTokens(token, "refresh-" + token, 604800, scopes)
    person = oauth.DiscordUser(
        user.id, user.username, user.global_name, user.email, True, user.locale
    )
    from shopkeeper.bots.discord.service.accounts import on_discord_linked

    async with unit_of_work(container.sessions) as session:
        await store_user_tokens(session, container, so.shop.id, customer_id, person, tokens)
        await on_discord_linked(session, container, so.shop.id, customer_id)
    await settle(container)


async def subscribe(
    container: Container, so: ShopOwner, plan: ProductRead, customer_id: uuid.UUID
) -> None:
    await buy(container, shop=so.shop, plan=plan, customer_id=customer_id, deliver=False)
    await settle(container)


async def settle(container: Container) -> None:
    """Deliver every event; any handler that failed fails the test."""
    await bus.drain(container)
    async with unit_of_work(container.sessions) as session:
        failed = list(await session.scalars(select(Delivery)))
    assert not failed, [(d.handler, d.last_error) for d in failed]


async def grants(container: Container, so: ShopOwner, customer: uuid.UUID) -> list[GrantRead]:
    async with unit_of_work(container.sessions) as session:
        page = await access.list_grants(
            session, shop_id=so.shop.id, filters=GrantFilter(customer_id=customer)
        )
    return page.items


async def notifications_of(container: Container, so: ShopOwner) -> list[NotificationMessage]:
    async with unit_of_work(container.sessions) as session:
        query = select(NotificationMessage).where(NotificationMessage.shop_id == so.shop.id)
        return list(await session.scalars(query.order_by(NotificationMessage.created_at)))
