"""Notifications reach Discord customers by DM; a closed DM (50007) is recorded as blocked."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.kit.clock import FrozenClock
from tests.bots.discord.conftest import ShopOwner, World
from tests.bots.discord.helpers import (
    discord_customer,
    notifications_of,
    premium_plan,
    settle,
    subscribe,
)
from tests.builders.subscriptions import run_remind

SEND = "POST /channels/{channel_id}/messages"


async def test_the_granted_role_is_announced_by_dm(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)

    await subscribe(container, connected, plan, await discord_customer(container, connected, ola))

    [dm] = world.fake.dms_to(ola)
    assert dm["content"] == "Access to Premium is yours."
    assert dm["author"]["id"] == world.app.bot.id
    [notice] = [
        n for n in await notifications_of(container, connected) if n.purpose == "access.granted"
    ]
    assert (notice.channel, notice.status, notice.error) == ("discord", "sent", "")


async def test_a_reminder_before_the_end_is_a_dm(
    client: AsyncClient,
    container: Container,
    connected: ShopOwner,
    world: World,
    clock: FrozenClock,
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    await subscribe(container, connected, plan, await discord_customer(container, connected, ola))

    clock.advance(days=29)
    await run_remind(container)
    await settle(container)

    reminders = [
        n
        for n in await notifications_of(container, connected)
        if n.purpose == "subscription.reminder"
    ]
    assert [(n.channel, n.status) for n in reminders] == [("discord", "sent")]
    assert world.fake.dms_to(ola)[-1]["content"].startswith(
        "Your Premium month subscription ends in"
    )


async def test_closed_dms_are_recorded_as_blocked_and_not_retried(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    ola = world.fake.add_user("ola")
    ola.dms_open = False
    world.fake.join(world.guild, ola)

    await subscribe(container, connected, plan, await discord_customer(container, connected, ola))

    [notice] = [
        n for n in await notifications_of(container, connected) if n.purpose == "access.granted"
    ]
    assert (notice.channel, notice.status) == ("discord", "blocked")
    assert notice.error == "50007 Cannot send messages to this user"
    attempts = [c for c in world.fake.calls if f"{c.method} {c.route}" == SEND]
    assert [c.status for c in attempts] == [403]
    assert world.premium.id in world.guild.members[ola.id].roles  # the role itself was given
