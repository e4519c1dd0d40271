"""The container of what a process shares: settings, engine, sessions, clock, secrets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shopkeeper.db import create_sessionmaker
from shopkeeper.kit.clock import Clock
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    secrets: SecretBox
    extras: dict[str, Any] = field(default_factory=dict)
    # The bus builds its handler registry from these (tests may pass their own).
    handler_modules: list[str] = field(default_factory=list)
    # The scheduler runs the TASKS of these (plus settings.extra_task_modules).
    task_modules: list[str] = field(default_factory=list)
    # Sessions for work that only reads (HTTP GET): no write lock on SQLite, writes refused.
    read_sessions: async_sessionmaker[AsyncSession] | None = None
    # Shared resources built on first use (HTTP clients of bots, ...) register their release.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.read_sessions is None:
            self.read_sessions = create_sessionmaker(self.engine, read_only=True)

    @property
    def readers(self) -> async_sessionmaker[AsyncSession]:
        assert self.read_sessions is not None
        return self.read_sessions

    async def close(self) -> None:
        while self.closers:
            await self.closers.pop()()
        await self.engine.dispose()
