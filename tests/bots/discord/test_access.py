"""Paying gives the Discord role; expiry takes it away (or kicks); linking Discord completes
a grant that waited; a bot Discord refuses leaves the grant pending until the check passes."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper import access
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.bots.discord.conftest import PUBLIC_URL, ShopOwner, World
from tests.bots.discord.helpers import (
    discord_customer,
    grants,
    premium_plan,
    settle,
    sign_in,
    subscribe,
)
from tests.builders.orders import create_customer, place_order
from tests.builders.payments import deliver, sandbox_secret, start
from tests.builders.subscriptions import run_expire
from tests.fakes.sandbox import webhook

ADD_ROLE = "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"
REMOVE_ROLE = "DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}"
ADD_MEMBER = "PUT /guilds/{guild_id}/members/{user_id}"
KICK = "DELETE /guilds/{guild_id}/members/{user_id}"


async def test_a_sandbox_payment_for_a_plan_gives_the_member_the_role(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    order = await place_order(
        container, shop=connected.shop, items=[(plan, 1)], customer_id=customer
    )
    payment = await start(client, shop=connected.shop, staff=connected.owner, order_id=order.id)
    secret = await sandbox_secret(container, shop=connected.shop)

    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=order.total,
        currency=order.currency,
        at=container.clock.now(),
    )
    response = await deliver(
        client, shop=connected.shop, provider="sandbox", body=body, headers=headers
    )
    assert response.status_code == 200, response.text
    await settle(container)

    [call] = world.fake.calls_to(ADD_ROLE)
    assert call.path == f"/guilds/{world.guild.id}/members/{ola.id}/roles/{world.premium.id}"
    assert call.auth == f"Bot {world.app.token}"
    assert world.premium.id in world.guild.members[ola.id].roles
    [grant] = await grants(container, connected, customer)
    assert (grant.state, grant.reason) == ("granted", f"role given to Discord user {ola.id}")


async def test_a_customer_without_discord_is_asked_to_link_and_gets_the_role_after_linking(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    buyer = await create_customer(container, shop=connected.shop)  # known by e-mail only

    await subscribe(container, connected, plan, buyer.id)

    [grant] = await grants(container, connected, buyer.id)
    assert grant.state == "action_required"
    assert (
        grant.reason
        == f"sign in with Discord at {PUBLIC_URL}/s/{connected.shop.slug} to link your account"
    )
    assert world.fake.calls_to(ADD_ROLE) == [] and world.fake.calls_to(ADD_MEMBER) == []

    newcomer = world.fake.add_user("newcomer")  # not in the server yet: joined with guilds.join
    await sign_in(container, connected, world, newcomer, buyer.id)

    [grant] = await grants(container, connected, buyer.id)
    assert grant.state == "granted"
    [join] = world.fake.calls_to(ADD_MEMBER)
    assert join.body["roles"] == [world.premium.id] and join.body["access_token"]
    assert world.guild.members[newcomer.id].roles == [world.premium.id]


async def test_linked_without_guilds_join_and_not_a_member_stays_action_required(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    buyer = await create_customer(container, shop=connected.shop)
    await subscribe(container, connected, plan, buyer.id)
    outsider = world.fake.add_user("outsider")

    await sign_in(container, connected, world, outsider, buyer.id, scopes=("identify", "email"))

    [grant] = await grants(container, connected, buyer.id)
    assert grant.state == "action_required" and grant.reason.startswith("join the Discord server")
    world.fake.join(world.guild, outsider)  # they join; signing in again retries the grant
    await sign_in(container, connected, world, outsider, buyer.id, scopes=("identify", "email"))
    assert (await grants(container, connected, buyer.id))[0].state == "granted"
    assert world.premium.id in world.guild.members[outsider.id].roles


async def test_expiry_removes_the_role(
    client: AsyncClient,
    container: Container,
    connected: ShopOwner,
    world: World,
    clock: FrozenClock,
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    await subscribe(container, connected, plan, customer)
    assert world.premium.id in world.guild.members[ola.id].roles

    clock.advance(days=40)
    await run_expire(container)
    await settle(container)

    [call] = world.fake.calls_to(REMOVE_ROLE)
    assert call.path.endswith(f"/members/{ola.id}/roles/{world.premium.id}")
    assert ola.id in world.guild.members and world.guild.members[ola.id].roles == []
    [grant] = await grants(container, connected, customer)
    assert grant.state == "revoked"
    async with unit_of_work(container.sessions) as session:
        log = await access.list_access_log(session, shop_id=connected.shop.id, limit=50)
    assert [e.action for e in reversed(log.items)][-2:] == ["removal", "revoke"]


async def test_in_kick_mode_expiry_kicks_the_member(
    client: AsyncClient,
    container: Container,
    connected: ShopOwner,
    world: World,
    clock: FrozenClock,
) -> None:
    world.bot_role.permissions |= 1 << 1  # Kick Members
    await client.patch(
        connected.url(), json={"revoke_mode": "kick"}, headers=connected.owner.headers
    )
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    await subscribe(container, connected, plan, customer)

    clock.advance(days=40)
    await run_expire(container)
    await settle(container)

    [kick] = world.fake.calls_to(KICK)
    assert kick.path == f"/guilds/{world.guild.id}/members/{ola.id}"
    assert ola.id not in world.guild.members
    assert (await grants(container, connected, customer))[0].state == "revoked"


async def test_kick_mode_only_removes_the_role_while_another_tier_holds(
    client: AsyncClient,
    container: Container,
    connected: ShopOwner,
    world: World,
    clock: FrozenClock,
) -> None:
    from tests.bots.discord.helpers import map_role
    from tests.builders.subscriptions import create_plan

    world.bot_role.permissions |= 1 << 1
    await client.patch(
        connected.url(), json={"revoke_mode": "kick"}, headers=connected.owner.headers
    )
    month = await premium_plan(container, client, connected, world)
    year = await create_plan(container, shop=connected.shop, name="VIP year", unit="year")
    vip = world.guild.role_named("VIP")
    await map_role(client, connected, year, vip.id)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    await subscribe(container, connected, month, customer)
    await subscribe(container, connected, year, customer)

    clock.advance(days=40)
    await run_expire(container)
    await settle(container)

    assert world.fake.calls_to(KICK) == []
    assert world.guild.members[ola.id].roles == [vip.id]


async def test_a_rate_limited_role_call_is_retried_after_retry_after(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    world.fake.throttle(ADD_ROLE, times=2, retry_after=0.05)

    await subscribe(container, connected, plan, customer)

    attempts = [c.status for c in world.fake.calls if f"{c.method} {c.route}" == ADD_ROLE]
    assert attempts == [429, 429, 204]
    assert (await grants(container, connected, customer))[0].state == "granted"


async def test_a_bot_below_the_role_leaves_the_grant_pending_until_the_check_passes(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    customer = await discord_customer(container, connected, ola)
    world.premium.position = 8  # moved above the bot after the mapping

    await subscribe(container, connected, plan, customer)

    [grant] = await grants(container, connected, customer)
    assert (grant.state, grant.reason) == ("pending", "Discord refused: 50013 Missing Permissions")
    world.premium.position = 2
    response = await client.get(connected.url("/roles/check"), headers=connected.owner.headers)
    assert response.json()[0]["ok"] is True
    assert (await grants(container, connected, customer))[0].state == "granted"


async def test_the_resume_task_gives_the_role_to_a_member_who_joined_since(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    from shopkeeper.bots.discord import tasks

    plan = await premium_plan(container, client, connected, world)
    late = world.fake.add_user("late")
    customer = await discord_customer(container, connected, late)
    await subscribe(container, connected, plan, customer)
    assert (await grants(container, connected, customer))[0].state == "action_required"
    world.fake.join(world.guild, late)

    async with unit_of_work(container.sessions) as session:
        await tasks.resume_grants(session, container, container.clock.now())
    await settle(container)

    assert (await grants(container, connected, customer))[0].state == "granted"
    assert world.guild.members[late.id].roles == [world.premium.id]
