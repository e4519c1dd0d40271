"""Fixtures of the cart tests: a frozen-clock container sending email to a local SMTP server
(for the storefront sign-in) and the Lumen shop (PLN) with things to put in a cart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.builders.fixtures import container
from tests.checkout.cart.support import Shelf, stock_shelf
from tests.conftest import make_settings
from tests.fakes.smtp import Mailbox, smtp_server

__all__ = ["container"]


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def settings(database_url: str, mailbox: Mailbox) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, **mailbox.settings())


@pytest.fixture
async def shelf(container: Container, client: AsyncClient) -> Shelf:
    return await stock_shelf(container, client)
