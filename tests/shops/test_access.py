"""shops.get_access / list_memberships (used by the admin pages) and superuser access."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper import shops
from shopkeeper.bootstrap import Container
from shopkeeper.shops import ROLE_PERMISSIONS, Role, ShopNotFound
from tests.builders import add_member, create_shop, create_user, login


async def test_get_access_gives_role_and_permissions_from_the_table(container: Container) -> None:
    shop = await create_shop(container)
    cashier = await create_user(container)
    await add_member(container, shop=shop, user=cashier, role="cashier")
    async with container.sessions() as session:
        access = await shops.get_access(session, user_id=cashier.id, shop_slug=shop.slug)
        memberships = await shops.list_memberships(session, user_id=cashier.id)
    assert access.shop.id == shop.id and access.role is Role.CASHIER
    assert access.permissions == ROLE_PERMISSIONS[Role.CASHIER]
    assert access.actor.label == cashier.email and access.can("orders.write")
    assert not access.can("members.manage")
    assert [(m.shop_slug, m.role) for m in memberships] == [(shop.slug, Role.CASHIER)]
    assert memberships[0].permissions == sorted(ROLE_PERMISSIONS[Role.CASHIER])


async def test_get_access_hides_shops_the_user_is_not_staff_of(container: Container) -> None:
    shop = await create_shop(container)
    outsider = await create_user(container)
    async with container.sessions() as session:
        with pytest.raises(ShopNotFound):
            await shops.get_access(session, user_id=outsider.id, shop_slug=shop.slug)
        with pytest.raises(ShopNotFound):
            await shops.get_access(session, user_id=outsider.id, shop_slug="no-such-shop")


async def test_a_superuser_has_every_permission_in_every_shop(
    client: AsyncClient, container: Container
) -> None:
    shop = await create_shop(container)
    root = await create_user(container, is_superuser=True)
    headers = (await login(client, email=root.email)).headers
    assert (
        await client.get(f"/api/v1/shops/{shop.slug}/members", headers=headers)
    ).status_code == 200
    async with container.sessions() as session:
        access = await shops.get_access(session, user_id=root.id, shop_slug=shop.slug)
    assert access.permissions == shops.ALL_PERMISSIONS and access.role is None
