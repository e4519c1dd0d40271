"""Bus fixtures: a container on a frozen clock, a registry of the test handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shopkeeper.bootstrap import Container, build_container
from shopkeeper.bus import Registry, build_registry
from shopkeeper.kit.clock import FrozenClock
from tests.bus import support
from tests.conftest import make_settings


@pytest.fixture
async def bus(database_url: str, clock: FrozenClock) -> AsyncIterator[Container]:
    """A container whose clock tests move; retries start after 10 s, dead after 5 attempts."""
    settings = make_settings(database_url, event_retry_base_seconds=10, event_max_attempts=5)
    container = build_container(settings, clock=clock)
    yield container
    await container.close()


@pytest.fixture
def registry() -> Registry:
    return build_registry(
        {
            "seen": {support.ThingHappened: [support.on_thing]},
            "flaky": {support.ThingHappened: [support.on_thing_flaky]},
            "failing": {support.ThingFailed: [support.on_thing_failed]},
        }
    )


@pytest.fixture(autouse=True)
def _reset_flaky() -> None:
    support.FAILURES_LEFT.clear()
