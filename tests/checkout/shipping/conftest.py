"""Fixtures of the shipping tests: a fake Calendar API on 127.0.0.1, a frozen-clock container
pointed at it (2026-01-01 12:00 UTC, a Thursday), a shop in Europe/Warsaw with its owner."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping import CalendarClient
from shopkeeper.checkout.shipping.deps import CALENDAR_EXTRA
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner
from tests.builders.fixtures import container
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar

__all__ = ["container", "fake_calendar", "install_calendar"]


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    from tests.conftest import make_settings

    return make_settings(database_url, delivery_calendar_url=fake_calendar.url)


@pytest.fixture
async def owned_shop(container: Container, client: AsyncClient) -> tuple[ShopRead, Staff]:
    return await shop_with_owner(container, client, currency="PLN", timezone="Europe/Warsaw")


def install_calendar(container: Container, **options: Any) -> CalendarClient:
    """Give the app a calendar client with these options (timeouts, thresholds) instead."""
    settings = container.settings
    client = CalendarClient(settings.delivery_calendar_url, cache_store(container), **options)
    container.extras[CALENDAR_EXTRA] = client
    container.closers.append(client.close)
    return client
