"""Fixtures of the catalog tests: a FrozenClock container, media in the test's own directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner
from tests.builders.fixtures import container

__all__ = ["container", "owned_shop", "settings"]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, media_dir=str(tmp_path / "media"))


@pytest.fixture
async def owned_shop(container: Container, client: AsyncClient) -> tuple[ShopRead, Staff]:
    """A shop and its owner, logged in."""
    return await shop_with_owner(container, client)
