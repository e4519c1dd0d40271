"""Request dependencies of shipping: the two permissions and the process's calendar client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncEngine

from shopkeeper.checkout.shipping.calendar_client import CalendarClient
from shopkeeper.checkout.shipping.calendar_store import build_store
from shopkeeper.container import Container
from shopkeeper.db import create_engine
from shopkeeper.deps import ContainerDep
from shopkeeper.shops import ShopAccess, require

CALENDAR_EXTRA = "checkout.shipping.calendar"
CACHE_POOL_SIZE = 2

CheckoutRead = Annotated[ShopAccess, require("checkout.read")]
CheckoutWrite = Annotated[ShopAccess, require("checkout.write")]


def calendar_client(container: Container) -> CalendarClient:
    """The container's calendar client, built from settings on first use (tests may preset it)."""
    client = container.extras.get(CALENDAR_EXTRA)
    if client is None:
        settings = container.settings
        store = build_store(redis_url=settings.redis_url, engine=_store_engine(container))
        client = CalendarClient(settings.delivery_calendar_url, store)
        container.extras[CALENDAR_EXTRA] = client
        container.closers.append(client.close)
    assert isinstance(client, CalendarClient)
    return client


def _store_engine(container: Container) -> AsyncEngine:
    """The database the calendar cache uses without Redis. On PostgreSQL it has a small pool
    of its own: a request holding one of the main pool's connections never waits for a second
    one from that pool (a full pool of such requests would wait for ever)."""
    engine = container.engine
    if container.settings.redis_url or engine.dialect.name != "postgresql":
        return engine
    own = create_engine(container.settings.database_url, pool_size=CACHE_POOL_SIZE)
    container.closers.append(own.dispose)
    return own


def get_calendar_client(container: ContainerDep) -> CalendarClient:
    return calendar_client(container)


CalendarDep = Annotated[CalendarClient, Depends(get_calendar_client)]
