"""Mapping plans to guild roles, and the role-hierarchy check with exactly what to change."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.bots.discord.conftest import ShopOwner, World
from tests.bots.discord.helpers import map_role
from tests.builders.subscriptions import create_plan


async def test_mapping_a_role_creates_its_access_target(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await create_plan(container, shop=connected.shop, name="Premium month")
    mapping = await map_role(client, connected, plan, world.premium.id)

    assert (mapping["name"], mapping["manageable"], mapping["problem"]) == ("Premium", True, "")
    assert mapping["product_ids"] == [str(plan.id)]
    target = await client.get(
        f"/api/v1/shops/{connected.shop.slug}/access/targets/{mapping['target_id']}",
        headers=connected.owner.headers,
    )
    assert target.status_code == 200, target.text
    body = target.json()
    assert (body["platform"], body["external_id"]) == ("discord_role", world.premium.id)
    assert body["settings"] == {"guild_id": world.guild.id}
    listed = await client.get(connected.url("/roles"), headers=connected.owner.headers)
    assert [m["role_id"] for m in listed.json()] == [world.premium.id]


async def test_a_role_above_the_bot_is_refused_with_what_to_move(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await create_plan(container, shop=connected.shop)
    admins = world.guild.role_named("Admins")
    body = {"product_id": str(plan.id), "role_id": admins.id}

    response = await client.post(
        connected.url("/roles"), json=body, headers=connected.owner.headers
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": "RoleNotManageable",
        "detail": "Move the role 'Shopkeeper' above 'Admins' in Server Settings → Roles",
    }
    listed = await client.get(connected.url("/roles"), headers=connected.owner.headers)
    assert listed.json() == []


async def test_the_check_reports_each_mapped_role_after_the_server_changed(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    premium_plan = await create_plan(container, shop=connected.shop, name="Premium")
    vip_plan = await create_plan(container, shop=connected.shop, name="VIP")
    await map_role(client, connected, premium_plan, world.premium.id)
    vip = world.guild.role_named("VIP")
    await map_role(client, connected, vip_plan, vip.id)
    vip.position = 7  # someone dragged VIP above the bot's role

    response = await client.get(connected.url("/roles/check"), headers=connected.owner.headers)

    assert response.status_code == 200, response.text
    assert response.json() == [
        {"role_id": world.premium.id, "name": "Premium", "ok": True, "problem": ""},
        {
            "role_id": vip.id,
            "name": "VIP",
            "ok": False,
            "problem": "Move the role 'Shopkeeper' above 'VIP' in Server Settings → Roles",
        },
    ]
    world.bot_role.permissions = 0  # and took Manage Roles away
    again = await client.get(connected.url("/roles/check"), headers=connected.owner.headers)
    assert {c["problem"] for c in again.json()} == {"Give the bot the Manage Roles permission"}
    listed = await client.get(connected.url("/roles"), headers=connected.owner.headers)
    assert [m["manageable"] for m in listed.json()] == [False, False]


async def test_kick_mode_needs_kick_members(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await create_plan(container, shop=connected.shop)
    await map_role(client, connected, plan, world.premium.id)
    await client.patch(
        connected.url(), json={"revoke_mode": "kick"}, headers=connected.owner.headers
    )

    response = await client.get(connected.url("/roles/check"), headers=connected.owner.headers)

    assert response.json()[0]["problem"] == "Give the bot the Kick Members permission"


async def test_guild_roles_say_which_the_bot_could_grant(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    response = await client.get(connected.url("/guild-roles"), headers=connected.owner.headers)
    roles = {r["name"]: (r["manageable"], r["problem"]) for r in response.json()}
    assert roles["Premium"] == (True, "")
    assert roles["Admins"][0] is False and roles["Shopkeeper"][0] is False  # managed
    assert roles["@everyone"][0] is False
    assert [r["name"] for r in response.json()][:2] == ["Admins", "Shopkeeper"]


async def test_unmapping_a_product_stops_new_grants(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await create_plan(container, shop=connected.shop)
    await map_role(client, connected, plan, world.premium.id)
    response = await client.delete(
        connected.url(f"/roles/{world.premium.id}"),
        params={"product_id": str(plan.id)},
        headers=connected.owner.headers,
    )
    assert response.status_code == 204
    [mapping] = (await client.get(connected.url("/roles"), headers=connected.owner.headers)).json()
    assert (mapping["product_ids"], mapping["active"]) == ([], False)
    missing = await client.delete(
        connected.url("/roles/123456789012345678"), headers=connected.owner.headers
    )
    assert missing.status_code == 404
