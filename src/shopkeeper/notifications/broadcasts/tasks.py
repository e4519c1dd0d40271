"""The broadcast loop every worker (and `serve`) runs beside the scheduler.

Not a scheduler TASK: a scheduled job runs in one worker at a time, while every process
should join in on a big broadcast. Each second the loop starts the scheduled broadcasts that
are due (a conditional UPDATE: one process snapshots the audience) and runs the engine on
each `sending` broadcast it is not already working on.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress
from typing import Any

import structlog

from shopkeeper.db import unit_of_work
from shopkeeper.notifications.broadcasts.delivery import broadcast_engine
from shopkeeper.notifications.broadcasts.ports import channel_for
from shopkeeper.notifications.broadcasts.repository import BroadcastRepository
from shopkeeper.notifications.broadcasts.service import start_sending

log = structlog.get_logger(__name__)
POLL_SECONDS = 1.0


async def start_due(container: Any) -> int:
    """Start every scheduled broadcast whose time has come; how many this process started."""
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        due = await BroadcastRepository(session).due(now)
    started = 0
    for broadcast_id in due:
        async with unit_of_work(container.sessions) as session:
            repo = BroadcastRepository(session)
            if not await repo.move(broadcast_id, before=("scheduled",), status="sending"):
                continue  # another process started it
            row = await repo.by_id(broadcast_id)
            assert row is not None
            await start_sending(session, channel_for(container), row, now)
            started += 1
    return started


async def sending_ids(container: Any) -> list[uuid.UUID]:
    async with unit_of_work(container.sessions) as session:
        return await BroadcastRepository(session).ids_with_status("sending")


async def broadcast_loop(container: Any, *, poll: float = POLL_SECONDS) -> None:
    """Until cancelled: start due broadcasts, deliver the ones sending (one task each)."""
    engine = broadcast_engine(container)
    running: dict[uuid.UUID, asyncio.Task[None]] = {}
    try:
        while True:
            try:
                await start_due(container)
                for broadcast_id in await sending_ids(container):
                    if broadcast_id not in running or running[broadcast_id].done():
                        running[broadcast_id] = asyncio.create_task(_deliver(engine, broadcast_id))
            except Exception:  # a loop survives its own errors
                log.exception("broadcast.loop_failed")
            await asyncio.sleep(poll)
    finally:
        for task in running.values():
            task.cancel()
        for task in running.values():
            with suppress(asyncio.CancelledError):
                await task


async def _deliver(engine: Any, broadcast_id: uuid.UUID) -> None:
    try:
        await engine.deliver(broadcast_id)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("broadcast.delivery_failed", broadcast_id=str(broadcast_id))
