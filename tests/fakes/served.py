"""Pytest fixtures (a plugin of tests/conftest.py): the fake Bot API and the fake Discord API
served on 127.0.0.1 for one test; a test's `settings` fixture points the app at their `.url`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake
