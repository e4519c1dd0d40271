"""Request dependencies of shipping: the two permissions and the process's calendar client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping.calendar_client import CalendarClient
from shopkeeper.container import Container
from shopkeeper.deps import ContainerDep
from shopkeeper.shops import ShopAccess, require

CALENDAR_EXTRA = "checkout.shipping.calendar"

CheckoutRead = Annotated[ShopAccess, require("checkout.read")]
CheckoutWrite = Annotated[ShopAccess, require("checkout.write")]


def calendar_client(container: Container) -> CalendarClient:
    """The container's calendar client, built from settings on first use (tests may preset it)."""
    client = container.extras.get(CALENDAR_EXTRA)
    if client is None:
        client = CalendarClient(container.settings.delivery_calendar_url, cache_store(container))
        container.extras[CALENDAR_EXTRA] = client
        container.closers.append(client.close)
    assert isinstance(client, CalendarClient)
    return client


def get_calendar_client(container: ContainerDep) -> CalendarClient:
    return calendar_client(container)


CalendarDep = Annotated[CalendarClient, Depends(get_calendar_client)]
