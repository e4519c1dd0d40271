"""Fixtures a test package can import into its conftest.py (e.g. a container on a frozen clock)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shopkeeper.bootstrap import Container, build_container
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings


@pytest.fixture
async def container(settings: Settings, clock: FrozenClock) -> AsyncIterator[Container]:
    """The app's container on the test's FrozenClock, so tests can move time."""
    container = build_container(settings, clock=clock)
    yield container
    await container.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Test settings with a token login delay, so throttled paths run without waiting."""
    from tests.conftest import make_settings

    return make_settings(database_url, login_delay_seconds=0.001)
