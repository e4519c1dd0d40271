"""Background work: the event relay, retry dispatcher and scheduled jobs, in-process or alone."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shopkeeper.bootstrap import Container


@asynccontextmanager
async def run_background(container: Container, *, enabled: bool) -> AsyncIterator[None]:
    """Run the relay and the scheduler beside the API (the embedded shape) while the block runs."""
    # The bus and scheduler owners add their loops here.
    yield


async def run_worker(settings: object) -> None:
    """`shopkeeper worker`: background work until SIGTERM."""
    from shopkeeper.bootstrap import build_container
    from shopkeeper.settings import Settings

    assert isinstance(settings, Settings)
    container = build_container(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with run_background(container, enabled=True):
            await stop.wait()
    finally:
        await container.close()
