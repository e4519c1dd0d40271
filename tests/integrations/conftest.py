"""Fixtures of the integrations tests: a frozen-clock container allowing local http webhooks,
a receiver served by a real uvicorn on 127.0.0.1, and a shop with its owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from httpx import AsyncClient

from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders.fixtures import container
from tests.builders.integrations import Receiver
from tests.builders.staff import Staff, shop_with_owner
from tests.fakes.server import serve

__all__ = ["container"]


@pytest.fixture
def settings(database_url: str) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, login_delay_seconds=0.001, webhooks_allow_http=True)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with serve(receiver) as url:
        receiver.url = url + "/hooks"
        yield receiver


@dataclass
class ShopOwner:
    shop: ShopRead
    owner: Staff


@pytest.fixture
async def shop_owner(container, client: AsyncClient) -> ShopOwner:
    shop, owner = await shop_with_owner(container, client)
    return ShopOwner(shop, owner)
