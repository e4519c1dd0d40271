"""Scheduler fixtures: runners (containers) on one database whose clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shopkeeper.bootstrap import Container, build_container
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings


@pytest.fixture
async def runner(settings: Settings, clock: FrozenClock) -> AsyncIterator[Container]:
    container = build_container(settings, clock=clock)
    yield container
    await container.close()


@pytest.fixture
async def other_runner(settings: Settings, clock: FrozenClock) -> AsyncIterator[Container]:
    """A second runner on the same database, as another worker process would be."""
    container = build_container(settings, clock=clock)
    yield container
    await container.close()
