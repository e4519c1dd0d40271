"""Fixtures of the Telegram tests: the real aiogram client against a fake Bot API served by
uvicorn on 127.0.0.1, a frozen-clock container pointed at it, a shop with its owner."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient, Response

from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders.fixtures import container
from tests.builders.staff import Staff, shop_with_owner
from tests.fakes.server import serve
from tests.fakes.telegram import FakeBot, FakeTelegram

__all__ = ["container"]
PUBLIC_URL = "https://shop.example"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def public_url() -> str | None:
    """Webhook mode; a test module overrides this with None for long polling."""
    return PUBLIC_URL


@pytest.fixture
def settings(database_url: str, telegram: FakeTelegram, public_url: str | None) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url,
        login_delay_seconds=0.001,
        public_url=public_url,
        telegram_api_url=telegram.url,  # type: ignore[attr-defined]
    )


@dataclass
class ShopOwner:
    shop: ShopRead
    owner: Staff

    def url(self, path: str = "") -> str:
        return f"/api/v1/shops/{self.shop.slug}/bots{path}"


@pytest.fixture
async def shop_owner(container, client: AsyncClient) -> ShopOwner:  # type: ignore[no-untyped-def]
    shop, owner = await shop_with_owner(container, client, name="Lumen Club")
    return ShopOwner(shop, owner)


@dataclass
class Connected:
    """A bot connected through the API, with its fake twin (token, webhook secret)."""

    so: ShopOwner
    fake: FakeBot
    read: dict[str, Any]

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self.read["id"])


async def connect(client: AsyncClient, so: ShopOwner, fake: FakeBot) -> Connected:
    response = await client.post(so.url(), json={"token": fake.token}, headers=so.owner.headers)
    assert response.status_code == 201, response.text
    return Connected(so, fake, response.json())


@pytest.fixture
async def bot(client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram) -> Connected:
    return await connect(client, shop_owner, telegram.add_bot("lumen_bot", "Lumen"))


async def deliver(
    client: AsyncClient, bot: Connected, update: dict[str, Any], *, secret: str | None = None
) -> Response:
    """POST an update to our webhook as Telegram does (the secret set by setWebhook)."""
    token = secret if secret is not None else bot.fake.webhook_secret
    headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
    return await client.post(f"/telegram/{bot.id}", json=update, headers=headers)
