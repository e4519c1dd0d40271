"""The unit of work of the payments flows, queued in-process on SQLite.

SQLite has one writer at a time (BEGIN IMMEDIATE); concurrent requests of one process that
wait on its busy handler sleep in growing steps (up to 100 ms), leaving the database idle.
Taking an asyncio lock first lets them queue without sleeping. PostgreSQL needs no lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

_LOCK = "payments.sqlite_writer"


@asynccontextmanager
async def transaction(container: Container) -> AsyncIterator[AsyncSession]:
    """One committed unit of work (behind the process's SQLite writer queue)."""
    if not container.settings.is_sqlite:
        async with unit_of_work(container.sessions) as session:
            yield session
        return
    lock = container.extras.setdefault(_LOCK, asyncio.Lock())
    async with lock, unit_of_work(container.sessions) as session:
        yield session
