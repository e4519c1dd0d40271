"""The unit of work of the payments flows (one committed transaction each).

On SQLite the writers of a process queue on the database's writer gate (`shopkeeper.db`), so
the flows need no lock of their own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.container import Container
from shopkeeper.db import unit_of_work


@asynccontextmanager
async def transaction(container: Container) -> AsyncIterator[AsyncSession]:
    """One committed unit of work."""
    async with unit_of_work(container.sessions) as session:
        yield session
