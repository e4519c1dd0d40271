"""Fixtures of the admin checkout tests: the shop "north" (PLN, Polish first) and its owner."""

from __future__ import annotations

import pytest

from shopkeeper import shops
from tests.web.admin.support import OWNER
from tests.web.seed import World


@pytest.fixture
async def north(world: World) -> shops.ShopRead:
    owner = await world.user(OWNER)
    return await world.shop("north", owner=owner, name="North Home")
