"""POST /discord/interactions/{application}: Ed25519-verified; PING, /premium status and buy."""

from __future__ import annotations

import json

from httpx import AsyncClient, Response
from nacl.signing import SigningKey
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity.models import Customer
from shopkeeper.kit.clock import FrozenClock
from tests.bots.discord.conftest import PUBLIC_URL, ShopOwner, World
from tests.bots.discord.helpers import discord_customer, premium_plan, subscribe
from tests.fakes.discord import User
from tests.fakes.discord_wire import command, ping, sign, signed_interaction


async def post(client: AsyncClient, world: World, body: bytes, headers: dict[str, str]) -> Response:
    return await client.post(f"/discord/interactions/{world.app.id}", content=body, headers=headers)


async def slash(
    client: AsyncClient, world: World, user: User, sub: str, locale: str | None = None
) -> Response:
    payload = command(world.app, world.guild, user, "premium", sub, locale=locale)
    return await post(client, world, *signed_interaction(world.app, payload))


async def customers(container: Container) -> int:
    async with unit_of_work(container.sessions) as session:
        return len((await session.scalars(select(Customer))).all())


async def test_ping_is_answered_with_pong(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    response = await post(client, world, *signed_interaction(world.app, ping(world.app)))
    assert response.status_code == 200 and response.json() == {"type": 1}


async def test_forged_signatures_are_refused_and_nothing_is_processed(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    ola = world.fake.add_user("ola")
    world.fake.join(world.guild, ola)
    before = await customers(container)
    body, headers = signed_interaction(
        world.app, command(world.app, world.guild, ola, "premium", "status")
    )
    forger = SigningKey.generate()
    cases = [
        {**headers, "X-Signature-Ed25519": sign(forger, headers["X-Signature-Timestamp"], body)},
        {**headers, "X-Signature-Timestamp": str(int(headers["X-Signature-Timestamp"]) + 1)},
        {k: v for k, v in headers.items() if k != "X-Signature-Ed25519"},
        {**headers, "X-Signature-Ed25519": "not-hex"},
    ]
    for forged in cases:
        response = await post(client, world, body, forged)
        assert response.status_code == 401, forged
        assert response.json()["error"] == "InvalidSignature"
    tampered = body.replace(b'"status"', b'"buy"')
    assert (await post(client, world, tampered, headers)).status_code == 401
    assert await customers(container) == before  # nobody was looked up or created
    assert world.fake.calls_to("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}") == []


async def test_an_unknown_application_is_404(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    body, headers = signed_interaction(world.app, ping(world.app))
    response = await client.post(
        "/discord/interactions/999999999999999999", content=body, headers=headers
    )
    assert response.status_code == 404


async def test_premium_status_in_polish_lists_days_left(
    client: AsyncClient,
    container: Container,
    connected: ShopOwner,
    world: World,
    clock: FrozenClock,
) -> None:
    plan = await premium_plan(container, client, connected, world, name="Premium miesięczny")
    ola = world.fake.add_user("ola", locale="pl")
    world.fake.join(world.guild, ola)
    await subscribe(container, connected, plan, await discord_customer(container, connected, ola))
    clock.advance(days=10)

    response = await slash(client, world, ola, "status")

    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["type"] == 4 and reply["data"]["flags"] == 64
    lines = reply["data"]["content"].split("\n")
    assert lines[0] == "Twoje premium:"
    assert lines[1].startswith("• **Premium miesięczny**: zostało ") and " dni (do " in lines[1]


async def test_premium_status_without_premium_links_the_shop_and_falls_back_to_english(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    hans = world.fake.add_user("hans", locale="de")
    world.fake.join(world.guild, hans)

    reply = (await slash(client, world, hans, "status")).json()

    url = f"{PUBLIC_URL}/s/{connected.shop.slug}"
    assert reply["data"]["content"] == f"You have no premium yet. Get it here: {url}"
    [[button]] = [row["components"] for row in reply["data"]["components"]]
    assert (button["style"], button["url"], button["label"]) == (5, url, "Open the shop")


async def test_premium_buy_gives_the_storefront_link_in_russian(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    ivan = world.fake.add_user("ivan", locale="ru")
    world.fake.join(world.guild, ivan)

    reply = (await slash(client, world, ivan, "buy")).json()

    url = f"{PUBLIC_URL}/s/{connected.shop.slug}"
    assert reply["data"] == {
        "content": f"Выберите премиум-тариф в магазине: {url}",
        "flags": 64,
        "allowed_mentions": {"parse": []},
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "style": 5, "label": "Открыть магазин", "url": url}],
            }
        ],
    }


async def test_status_gives_a_member_who_joined_after_paying_their_role(
    client: AsyncClient, container: Container, connected: ShopOwner, world: World
) -> None:
    plan = await premium_plan(container, client, connected, world)
    late = world.fake.add_user("late")
    customer = await discord_customer(container, connected, late)
    await subscribe(container, connected, plan, customer)  # not in the server: action required
    world.fake.join(world.guild, late)

    reply = (await slash(client, world, late, "status")).json()

    assert reply["data"]["content"].startswith("Your premium:")
    assert world.premium.id in world.guild.members[late.id].roles


async def test_a_body_that_is_no_interaction_is_400(
    client: AsyncClient, connected: ShopOwner, world: World
) -> None:
    body = json.dumps([1, 2]).encode()
    stamp = "1700000000"
    headers = {
        "X-Signature-Ed25519": sign(world.app.signing_key, stamp, body),
        "X-Signature-Timestamp": stamp,
    }
    assert (await post(client, world, body, headers)).status_code == 400
