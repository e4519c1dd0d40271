"""Connecting a shop to Discord through the API: verified with Discord, secrets masked."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.discord.models import DiscordConnection
from shopkeeper.db import unit_of_work
from tests.bots.discord.conftest import PUBLIC_URL, ShopOwner, World, connect_body


async def test_connect_verifies_stores_encrypted_and_registers_the_commands(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, world: World
) -> None:
    response = await client.post(
        shop_owner.url(), json=connect_body(world), headers=shop_owner.owner.headers
    )

    assert response.status_code == 201, response.text
    read = response.json()
    assert (read["application_id"], read["guild_id"]) == (world.app.id, world.guild.id)
    assert (read["bot_user_id"], read["guild_name"]) == (world.app.bot.id, "Lumen Club")
    assert read["interactions_url"] == f"{PUBLIC_URL}/discord/interactions/{world.app.id}"
    assert world.app.token not in response.text and world.app.client_secret not in response.text
    assert read["token_mask"].endswith(world.app.token[-3:]) and "…" in read["token_mask"]
    assert read["commands_registered_at"] is not None and read["commands_error"] == ""
    [command] = world.app.commands[world.guild.id]
    assert command["name"] == "premium"
    assert [o["name"] for o in command["options"]] == ["status", "buy"]
    async with unit_of_work(container.sessions) as session:
        row = (await session.scalars(select(DiscordConnection))).one()
    assert world.app.token not in row.token_encrypted
    assert container.secrets.decrypt(row.token_encrypted) == world.app.token
    assert container.secrets.decrypt(row.client_secret_encrypted) == world.app.client_secret
    audit = await client.get(
        f"/api/v1/shops/{shop_owner.shop.slug}/audit", headers=shop_owner.owner.headers
    )
    assert "discord_connection.connected" in audit.text and world.app.token not in audit.text


async def test_a_wrong_token_is_refused_and_nothing_is_stored(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, world: World
) -> None:
    body = connect_body(world, bot_token="MTEx." + "x" * 30)
    response = await client.post(shop_owner.url(), json=body, headers=shop_owner.owner.headers)

    assert response.status_code == 422
    assert response.json()["error"] == "BotTokenInvalid"
    assert "Reset Token" in response.json()["detail"]
    assert (await client.get(shop_owner.url(), headers=shop_owner.owner.headers)).status_code == 404
    async with unit_of_work(container.sessions) as session:
        assert (await session.scalars(select(DiscordConnection))).all() == []


async def test_the_token_of_another_application_is_refused(
    client: AsyncClient, shop_owner: ShopOwner, world: World
) -> None:
    other = world.fake.add_app("Other")
    body = connect_body(world, bot_token=other.token)
    response = await client.post(shop_owner.url(), json=body, headers=shop_owner.owner.headers)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"The bot token belongs to application {other.id}")


async def test_a_guild_without_the_bot_is_refused_with_the_invite_link(
    client: AsyncClient, shop_owner: ShopOwner, world: World
) -> None:
    elsewhere = world.fake.add_guild("Elsewhere", world.owner)
    body = connect_body(world, guild_id=elsewhere.id)
    response = await client.post(shop_owner.url(), json=body, headers=shop_owner.owner.headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert (
        f"The bot is not in server {elsewhere.id}" in detail
        and f"client_id={world.app.id}" in detail
    )


async def test_a_wrong_public_key_is_refused(
    client: AsyncClient, shop_owner: ShopOwner, world: World
) -> None:
    body = connect_body(world, public_key="ab" * 32)
    response = await client.post(shop_owner.url(), json=body, headers=shop_owner.owner.headers)
    assert response.status_code == 422 and "public key" in response.json()["detail"]


async def test_one_application_serves_one_shop(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    from tests.builders.staff import shop_with_owner

    shop, owner = await shop_with_owner(container, client, name="Copycat")
    response = await client.post(
        f"/api/v1/shops/{shop.slug}/discord", json=connect_body(world), headers=owner.headers
    )
    assert response.status_code == 409 and response.json()["error"] == "ApplicationTaken"


async def test_update_revoke_mode_and_disconnect(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    headers = connected.owner.headers
    response = await client.patch(connected.url(), json={"revoke_mode": "kick"}, headers=headers)
    assert response.status_code == 200 and response.json()["revoke_mode"] == "kick"
    bad = await client.patch(connected.url(), json={"revoke_mode": "ban"}, headers=headers)
    assert bad.status_code == 422

    assert (await client.delete(connected.url(), headers=headers)).status_code == 204
    assert (await client.get(connected.url(), headers=headers)).status_code == 404
    again = await client.post(connected.url(), json=connect_body(world), headers=headers)
    assert again.status_code == 201, again.text


async def test_staff_without_bots_write_cannot_connect(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, world: World
) -> None:
    from tests.builders.staff import staff_member

    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")
    response = await client.post(shop_owner.url(), json=connect_body(world), headers=viewer.headers)
    assert response.status_code == 403
