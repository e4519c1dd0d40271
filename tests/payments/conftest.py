"""Fixtures of the payments tests: a frozen-clock container whose Stripe and YooKassa base
URLs point at local fakes served by a real uvicorn on 127.0.0.1, and a shop with its owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from httpx import AsyncClient

from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders.fixtures import container
from tests.builders.payments import SandboxCase, sandbox_case
from tests.builders.staff import Staff, shop_with_owner
from tests.fakes.server import serve
from tests.fakes.stripe import FakeStripe
from tests.fakes.yookassa import FakeYooKassa

__all__ = ["container"]
PUBLIC_URL = "https://shop.example"


@dataclass
class Gateways:
    stripe: FakeStripe
    yookassa: FakeYooKassa
    stripe_url: str
    yookassa_url: str


@pytest.fixture
async def gateways(clock: FrozenClock) -> AsyncIterator[Gateways]:
    stripe, yookassa = FakeStripe(clock=clock.now), FakeYooKassa(clock=clock.now)
    async with serve(stripe.app()) as stripe_url, serve(yookassa.app()) as yookassa_url:
        yield Gateways(stripe, yookassa, stripe_url, yookassa_url + "/v3")


@pytest.fixture
def settings(database_url: str, gateways: Gateways) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url,
        login_delay_seconds=0.001,
        public_url=PUBLIC_URL,
        stripe_api_url=gateways.stripe_url,
        yookassa_api_url=gateways.yookassa_url,
    )


@dataclass
class ShopOwner:
    shop: ShopRead
    owner: Staff


@pytest.fixture
async def shop_owner(container, client: AsyncClient) -> ShopOwner:  # type: ignore[no-untyped-def]
    shop, owner = await shop_with_owner(container, client)
    return ShopOwner(shop, owner)


@pytest.fixture
async def case(
    container, client: AsyncClient, shop_owner: ShopOwner, clock: FrozenClock
) -> SandboxCase:  # type: ignore[no-untyped-def]
    """A pending 15.00 EUR order with a started sandbox payment."""
    return await sandbox_case(
        container, client, shop=shop_owner.shop, staff=shop_owner.owner, clock=clock
    )
