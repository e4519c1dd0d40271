"""Fixtures of the storefront tests: a local SMTP server as the customers' mailbox, a fake
Discord API, a frozen-clock container sending to both, and the Lumen shop (PLN, pl + en) with
two plans, an ebook and the sandbox gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.bots.discord.conftest import World, discord, world
from tests.builders.fixtures import container
from tests.conftest import make_settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.smtp import Mailbox, smtp_server
from tests.web.store.support import Lumen, seed_lumen

__all__ = ["World", "container", "discord", "world"]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def settings(database_url: str, mailbox: Mailbox, discord: FakeDiscord) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, discord_api_url=discord.url,
                         **mailbox.settings())  # fmt: skip


@pytest.fixture
async def lumen(container: Container, client: AsyncClient) -> AsyncIterator[Lumen]:
    yield await seed_lumen(container, client)
