"""Fixtures of the admin web tests: settings without login slow-down, and the seeding World."""

from __future__ import annotations

import pytest

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.conftest import make_settings
from tests.web.seed import World


@pytest.fixture
def settings(database_url: str) -> Settings:
    """No login slow-down here: throttling is the identity tests' subject, not ours."""
    return make_settings(database_url, login_delay_seconds=0)


@pytest.fixture
def world(container: Container) -> World:
    return World(container)
