"""Fixtures of the checkout session tests: a fake Calendar API, a frozen-clock container
pointed at it (2026-01-01 12:00 UTC, a Thursday) and the Dom store (PLN, Europe/Warsaw)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.builders.fixtures import container
from tests.checkout.session.support import Store, open_store
from tests.fakes.delivery_calendar import FakeCalendar
from tests.fakes.server import serve

__all__ = ["container"]


@pytest.fixture
async def fake_calendar() -> AsyncIterator[FakeCalendar]:
    fake = FakeCalendar()
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake
        fake.mode = "ok"


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, delivery_calendar_url=fake_calendar.url)


@pytest.fixture
async def store(container: Container, client: AsyncClient) -> Store:
    return await open_store(container, client)
