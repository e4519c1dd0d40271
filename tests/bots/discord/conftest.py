"""Fixtures of the Discord tests: a fake Discord API served by uvicorn on 127.0.0.1 with one
guild (owner, bot role "Shopkeeper" at position 5 with Manage Roles, "Premium" below it,
"Admins" above it), a frozen-clock container pointed at it, a shop with its owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders.fixtures import container
from tests.builders.staff import Staff, shop_with_owner
from tests.fakes.discord import Application, FakeDiscord, Guild, User
from tests.fakes.server import serve

__all__ = ["container"]
PUBLIC_URL = "https://shop.example"


@dataclass
class World:
    fake: FakeDiscord
    app: Application
    guild: Guild
    owner: User

    @property
    def bot_role(self) -> Any:
        return self.guild.role_named(self.app.name)

    @property
    def premium(self) -> Any:
        return self.guild.role_named("Premium")


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
def world(discord: FakeDiscord) -> World:
    app = discord.add_app("Shopkeeper")
    owner = discord.add_user("guild_owner")
    guild = discord.add_guild("Lumen Club", owner, bot_of=app, bot_role_position=5)
    guild.add_role("Premium", position=2)
    guild.add_role("VIP", position=3)
    guild.add_role("Admins", position=9, permissions=1 << 3)
    return World(discord, app, guild, owner)


@pytest.fixture
def settings(database_url: str, discord: FakeDiscord) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url=PUBLIC_URL, discord_api_url=discord.url
    )


@dataclass
class ShopOwner:
    shop: ShopRead
    owner: Staff

    def url(self, path: str = "") -> str:
        return f"/api/v1/shops/{self.shop.slug}/discord{path}"


@pytest.fixture
async def shop_owner(container, client: AsyncClient) -> ShopOwner:  # type: ignore[no-untyped-def]
    shop, owner = await shop_with_owner(container, client, name="Lumen Club")
    return ShopOwner(shop, owner)


def connect_body(world: World, **changes: Any) -> dict[str, Any]:
    body = {
        "application_id": world.app.id,
        "public_key": world.app.public_key,
        "bot_token": world.app.token,
        "client_secret": world.app.client_secret,
        "guild_id": world.guild.id,
        "revoke_mode": "remove_role",
    }
    return {**body, **changes}


@pytest.fixture
async def connected(client: AsyncClient, shop_owner: ShopOwner, world: World) -> ShopOwner:
    response = await client.post(
        shop_owner.url(), json=connect_body(world), headers=shop_owner.owner.headers
    )
    assert response.status_code == 201, response.text
    return shop_owner
