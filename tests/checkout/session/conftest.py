"""Fixtures of the checkout session tests: a fake Calendar API, a frozen-clock container
pointed at it (2026-01-01 12:00 UTC, a Thursday) and the Dom store (PLN, Europe/Warsaw)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.builders.fixtures import container
from tests.checkout.session.support import Store, open_store
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar

__all__ = ["container", "fake_calendar"]


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, delivery_calendar_url=fake_calendar.url)


@pytest.fixture
async def store(container: Container, client: AsyncClient) -> Store:
    return await open_store(container, client)
