"""Composition root: builds the engine, the clock, secrets and the bus from every context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shopkeeper.db import create_engine, create_sessionmaker
from shopkeeper.kit.clock import Clock, SystemClock
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.settings import Settings

# Modules whose HANDLERS tables the bus subscribes (a context adds its handlers module here).
HANDLER_MODULES: list[str] = []
# Modules whose TASKS tables the scheduler runs.
TASK_MODULES: list[str] = []


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    secrets: SecretBox
    extras: dict[str, Any] = field(default_factory=dict)
    # The bus builds its handler registry from these (tests may pass their own).
    handler_modules: list[str] = field(default_factory=lambda: list(HANDLER_MODULES))
    # The scheduler runs the TASKS of these (plus settings.extra_task_modules).
    task_modules: list[str] = field(default_factory=lambda: list(TASK_MODULES))

    async def close(self) -> None:
        await self.engine.dispose()


def build_container(settings: Settings, *, clock: Clock | None = None) -> Container:
    engine = create_engine(settings.database_url, echo=settings.database_echo)
    return Container(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        clock=clock or SystemClock(),
        secrets=SecretBox(settings.encryption_keys),
    )
