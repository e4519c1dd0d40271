"""Relays wake on commits of other processes (PostgreSQL LISTEN/NOTIFY), not on their poll."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from shopkeeper.bootstrap import Container
from shopkeeper.bus import Registry, publish, run_bus
from shopkeeper.bus.wakeup import CHANNEL
from shopkeeper.db import unit_of_work
from tests.bus.support import ThingHappened, effects
from tests.conftest import TEST_FERNET_KEY, on_postgres

ROOT = Path(__file__).resolve().parents[2]
POLL_SECONDS = 60.0  # the longest poll allowed: only a wake-up can deliver sooner
SOON_SECONDS = 20.0  # generous for a loaded machine, still well before the poll

pytestmark = pytest.mark.skipif(not on_postgres(), reason="LISTEN/NOTIFY is PostgreSQL's")


async def commit_in_another_process(database_url: str, thing: uuid.UUID) -> None:
    env = {
        **os.environ,
        "SHOPKEEPER_DATABASE_URL": database_url,
        "SHOPKEEPER_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bus.publish_process", str(thing),
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()


async def listening_backends(bus: Container) -> set[int]:
    """Server processes of this database LISTENing for outbox commits."""
    async with bus.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND query = :listen AND pid <> pg_backend_pid()"
            ),
            {"listen": f'LISTEN "{CHANNEL}"'},
        )
        return {row.pid for row in rows}


async def until(condition: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return False


async def delivered_soon(bus: Container, thing: uuid.UUID) -> bool:
    async def seen() -> bool:
        async with bus.sessions() as session:
            return await effects(session, "thing.seen", thing) == 1

    return await until(seen, SOON_SECONDS)


async def test_a_commit_in_another_process_wakes_the_relay_before_its_poll(
    bus: Container, registry: Registry, database_url: str
) -> None:
    bus.settings.relay_poll_seconds = POLL_SECONDS
    task = asyncio.create_task(run_bus(bus, registry))
    try:
        await asyncio.sleep(0.5)  # the relay found nothing and sleeps (the other process
        thing = uuid.uuid4()  # takes seconds more to start)
        await commit_in_another_process(database_url, thing)
        assert await delivered_soon(bus, thing)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_the_relay_listens_again_after_its_connection_is_lost(
    bus: Container, registry: Registry, database_url: str
) -> None:
    bus.settings.relay_poll_seconds = POLL_SECONDS
    task = asyncio.create_task(run_bus(bus, registry))
    try:

        async def listening() -> bool:
            return bool(await listening_backends(bus))

        assert await until(listening, 10)
        [lost] = await listening_backends(bus)
        async with bus.sessions() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})

        async def listening_again() -> bool:
            return bool(await listening_backends(bus) - {lost})

        assert await until(listening_again, 15)
        await asyncio.sleep(0.5)  # the reconnection's own catch-up pass is over
        thing = uuid.uuid4()
        await commit_in_another_process(database_url, thing)
        assert await delivered_soon(bus, thing)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_only_a_committed_publishing_transaction_notifies(bus: Container) -> None:
    """The NOTIFY is part of the publishing transaction: a rollback signals no one."""
    async with bus.engine.connect() as listener:
        driver = (await listener.get_raw_connection()).driver_connection
        heard: list[str] = []
        await driver.add_listener(CHANNEL, lambda *args: heard.append(args[2]))
        try:
            with pytest.raises(RuntimeError):
                async with unit_of_work(bus.sessions) as session:
                    publish(session, ThingHappened(thing_id=uuid.uuid4()))
                    await session.flush()
                    raise RuntimeError("changed my mind")
            async with unit_of_work(bus.sessions) as session:
                publish(session, ThingHappened(thing_id=uuid.uuid4()))

            async def heard_one() -> bool:
                return bool(heard)

            assert await until(heard_one, 10)
            await asyncio.sleep(0.2)
            assert len(heard) == 1
        finally:
            await listener.invalidate()
