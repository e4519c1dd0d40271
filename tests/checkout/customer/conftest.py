"""Fixtures of the customer data and consents tests: a frozen-clock container and the Lipa
shop (PLN, en + pl) with a lamp to put in a cart."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders.fixtures import container
from tests.checkout.customer.support import Lipa, open_lipa

__all__ = ["container"]


@pytest.fixture
async def lipa(container: Container, client: AsyncClient) -> Lipa:
    return await open_lipa(container, client)
