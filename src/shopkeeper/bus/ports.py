"""What the bus needs from the composition root (bootstrap.Container satisfies it)."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shopkeeper.kit.clock import Clock
from shopkeeper.settings import Settings


class BusContainer(Protocol):
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    extras: dict[str, Any]
    handler_modules: list[str]
