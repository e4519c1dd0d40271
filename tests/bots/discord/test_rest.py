"""The REST client against the fake: 429s waited out, buckets honoured, typed error codes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from shopkeeper.bots.discord.errors import (
    DiscordUnauthorized,
    MissingPermissions,
    RateLimited,
    UnknownMember,
)
from shopkeeper.bots.discord.ratelimits import RateLimits, route_key
from shopkeeper.bots.discord.rest import DiscordRest
from tests.fakes.discord import Application, FakeDiscord, Guild
from tests.fakes.server import serve

ROLES = "GET /guilds/{guild_id}/roles"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    discord = FakeDiscord()
    async with serve(discord.app()) as url:
        discord.url = url
        yield discord


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def setup(fake: FakeDiscord) -> tuple[Application, Guild]:
    app = fake.add_app()
    guild = fake.add_guild("G", fake.add_user("owner"), bot_of=app)
    guild.add_role("Premium", position=1)
    return app, guild


def client(fake: FakeDiscord, http: httpx.AsyncClient, token: str, **kw: float) -> DiscordRest:
    return DiscordRest(http, fake.url, token, RateLimits(), **kw)  # type: ignore[arg-type]


def test_route_keys_keep_the_major_parameter() -> None:
    assert route_key(
        "PUT", "/guilds/111111111111111111/members/222222222222222222/roles/333333333333333333"
    ) == (
        "PUT /guilds/:id/members/:id/roles/:id",
        "111111111111111111",
    )
    assert route_key("POST", "/users/@me/channels") == ("POST /users/@me/channels", "")


async def test_a_429_is_retried_after_its_retry_after(
    fake: FakeDiscord, http: httpx.AsyncClient
) -> None:
    app, guild = setup(fake)
    fake.throttle(ROLES, times=2, retry_after=0.2)
    started = time.perf_counter()

    roles = await client(fake, http, app.token).guild_roles(guild.id)

    assert {r["name"] for r in roles} >= {"Premium", "@everyone"}
    assert [c.status for c in fake.calls] == [429, 429, 200]
    assert time.perf_counter() - started >= 0.4


async def test_a_global_429_holds_every_route(fake: FakeDiscord, http: httpx.AsyncClient) -> None:
    app, guild = setup(fake)
    rest = client(fake, http, app.token)
    fake.throttle(ROLES, times=1, retry_after=0.4, is_global=True)
    roles = asyncio.create_task(rest.guild_roles(guild.id))
    while not any(c.status == 429 for c in fake.calls):
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)  # the client has read the 429 by now
    started = time.perf_counter()

    await rest.me()  # another route: held by the global stop too

    assert time.perf_counter() - started >= 0.25
    await roles
    assert [c.status for c in fake.calls] == [429, 200, 200]


async def test_an_exhausted_bucket_waits_for_its_reset(
    fake: FakeDiscord, http: httpx.AsyncClient
) -> None:
    app, guild = setup(fake)
    fake.set_limit(ROLES, limit=2, window=0.5)
    rest = client(fake, http, app.token)
    started = time.perf_counter()

    for _ in range(5):
        await rest.guild_roles(guild.id)

    assert fake.violations == []  # never sent a request Discord would have refused
    assert time.perf_counter() - started >= 0.9  # 5 calls, 2 per 0.5 s window
    assert rest.limits.waited > 0


async def test_too_many_429s_give_up_with_a_clear_error(
    fake: FakeDiscord, http: httpx.AsyncClient
) -> None:
    app, guild = setup(fake)
    fake.throttle(ROLES, times=10, retry_after=0.01)
    with pytest.raises(RateLimited, match="rate limited"):
        await client(fake, http, app.token, max_retries=2).guild_roles(guild.id)
    assert len(fake.calls) == 3
    fake.throttles.clear()
    fake.throttle(ROLES, times=1, retry_after=60)
    with pytest.raises(RateLimited, match=r"retry after 60\.00 s"):  # not worth waiting here
        await client(fake, http, app.token).guild_roles(guild.id)


async def test_discord_error_codes_become_typed_errors(
    fake: FakeDiscord, http: httpx.AsyncClient
) -> None:
    app, guild = setup(fake)
    rest = client(fake, http, app.token)
    owner_role = guild.role_named(app.name)  # managed: no bot can give it
    member = fake.add_user("m")
    fake.join(guild, member)

    with pytest.raises(MissingPermissions) as refused:
        await rest.add_role(guild.id, member.id, owner_role.id, "test")
    assert (refused.value.discord_code, refused.value.message) == (50013, "Missing Permissions")
    assert await rest.member(guild.id, "123456789012345678") is None
    with pytest.raises(UnknownMember):
        await rest.remove_role(guild.id, "123456789012345678", owner_role.id, "test")
    with pytest.raises(DiscordUnauthorized):
        await client(fake, http, "nope").me()
