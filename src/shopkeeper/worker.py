"""Background work: the event relay, retry dispatcher and scheduled jobs, in-process or alone."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Any

import structlog

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import polling_loop as telegram_polling_loop
from shopkeeper.bus import run_bus
from shopkeeper.notifications.broadcasts import broadcast_loop
from shopkeeper.scheduler import scheduler_loop
from shopkeeper.settings import Settings

log = structlog.get_logger(__name__)

# A background loop runs until cancelled; it must survive its own errors (log and go on).
BackgroundLoop = Callable[[Container], Coroutine[Any, Any, None]]


def background_loops() -> list[BackgroundLoop]:
    """Every loop a worker runs: the bus (relay, consumers, retries) and the scheduler."""
    loops: list[BackgroundLoop] = []
    loops.append(scheduler_loop)
    loops.append(run_bus)  # relay, broker consumers, retry dispatcher
    loops.append(telegram_polling_loop)  # getUpdates for bots without a webhook
    loops.append(broadcast_loop)  # broadcasts: every process shares the sending
    return loops


@asynccontextmanager
async def run_background(container: Container, *, enabled: bool) -> AsyncIterator[None]:
    """Run the background loops beside the API (the embedded shape) while the block runs."""
    if not enabled:
        yield
        return
    tasks = [asyncio.create_task(loop(container)) for loop in background_loops()]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task


async def run_worker(settings: Settings) -> None:
    """`shopkeeper worker`: background work until SIGTERM or SIGINT."""
    from shopkeeper.bootstrap import build_container

    container = build_container(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker.started", broker=settings.broker_scheme)
    try:
        async with run_background(container, enabled=True):
            await stop.wait()
    finally:
        await container.close()
        log.info("worker.stopped")
