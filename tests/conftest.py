"""Shared fixtures: a migrated database per test (SQLite file or PostgreSQL), app, client.

Set SHOPKEEPER_TEST_DATABASE_URL=postgresql+asyncpg://... to run the suite on PostgreSQL.
Each test gets a fresh database copied from a template migrated once per run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shopkeeper.app import create_app
from shopkeeper.bootstrap import Container, build_container
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.migrate import upgrade
from shopkeeper.settings import Settings, load_settings
from tests.premium.streaming import StreamingASGITransport

# The fake Bot API and Discord API served for a test (`telegram`, `discord`); a directory's own
# fixtures of those names (other fakes) take precedence.
pytest_plugins = ["tests.fakes.served"]
PG_URL = os.environ.get("SHOPKEEPER_TEST_DATABASE_URL", "")
TEST_FERNET_KEY = "kQ3dYwSTOhOJmE4uvC6V9rYVXZqWYUM9yC7pBq6sM2E="


def on_postgres() -> bool:
    return PG_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated once per run; every test database is a copy of it."""
    if on_postgres():
        name = f"sk_tmpl_{os.getpid()}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        upgrade(_pg_url(name))
        yield name
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if on_postgres():
        name = f"sk_t_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        yield _pg_url(name)
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite+aiosqlite:///{path}"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        "encryption_keys": TEST_FERNET_KEY,
        "log_json": False,
        "rate_limit_per_minute": 10_000,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    container = build_container(settings)
    yield container
    await container.close()


@pytest.fixture
async def app(container: Container):  # type: ignore[no-untyped-def]
    return create_app(container=container)


@pytest.fixture
async def client(app) -> AsyncIterator[AsyncClient]:  # type: ignore[no-untyped-def]
    transport = ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def streaming(app) -> AsyncIterator[tuple[AsyncClient, StreamingASGITransport]]:  # type: ignore[no-untyped-def]
    """A client whose responses stream (server-sent events), and its transport."""
    transport = StreamingASGITransport(app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, transport


def _pg_url(name: str) -> str:
    base = PG_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def _pg_admin(*statements: str) -> None:
    import asyncio

    async def run() -> None:
        engine = create_async_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(run())
