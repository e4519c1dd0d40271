"""The container of what a process shares: settings, engine, sessions, clock, secrets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

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

    async def close(self) -> None:
        await self.engine.dispose()
