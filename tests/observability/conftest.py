"""Observability fixtures: an app whose dependencies are wrong on purpose, captured logs."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest
import structlog
from httpx import ASGITransport, AsyncClient

from shopkeeper.app import create_app
from shopkeeper.bootstrap import build_container
from shopkeeper.logs import configure_logging
from tests.conftest import make_settings

ClientWith = Callable[..., AbstractAsyncContextManager[AsyncClient]]


@pytest.fixture
def client_with(database_url: str) -> ClientWith:
    """`async with client_with(broker_url=...) as client:` an app built with those settings."""

    @asynccontextmanager
    async def build(**overrides: object) -> AsyncIterator[AsyncClient]:
        url = str(overrides.pop("database_url", database_url))
        container = build_container(make_settings(url, **overrides))
        app = create_app(container=container)
        transport = ASGITransport(app=app, client=("127.0.0.1", 50000))
        try:
            async with AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield client
        finally:
            await container.close()

    return build


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Configure JSON logging into a buffer for the test; restore the previous set-up after."""
    config, root = structlog.get_config(), logging.getLogger()
    handlers, level = list(root.handlers), root.level
    buffer = io.StringIO()
    configure_logging(make_settings("sqlite+aiosqlite://", log_json=True), stream=buffer)
    yield buffer
    structlog.configure(**config)
    root.handlers, root.level = handlers, level
