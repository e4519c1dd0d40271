"""FastAPI dependencies shared by every router: the container, a unit of work, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.container import Container
from shopkeeper.kit.clock import Clock
from shopkeeper.settings import Settings


async def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _unit_of_work(request: Request, container: ContainerDep) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed when the endpoint returns, before the response.

    A safe method (GET, HEAD) reads only: its session takes no write lock and refuses writes.
    """
    reading = request.method in SAFE_METHODS
    factory = container.readers if reading else container.sessions
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


SessionDep = Annotated[AsyncSession, Depends(_unit_of_work, scope="function")]


async def get_clock(container: ContainerDep) -> Clock:
    return container.clock


async def get_settings_dep(container: ContainerDep) -> Settings:
    return container.settings


ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
