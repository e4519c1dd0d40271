"""Scheduled jobs of the Telegram adapter."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.repository import UpdateRepository
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)

# Telegram gives up redelivering an update long before this; update ids restart only after
# a week without updates, so a shorter memory cannot mistake a new update for an old one.
KEEP_UPDATES = timedelta(days=3)


async def prune_updates(session: AsyncSession, now: datetime) -> None:
    """Forget processed update ids older than KEEP_UPDATES (the dedupe table stays small)."""
    pruned = await UpdateRepository(session).prune(now - KEEP_UPDATES)
    if pruned:
        log.info("telegram.updates_pruned", count=pruned)


TASKS = [Task("telegram.prune_updates", prune_updates, every=timedelta(hours=1))]
