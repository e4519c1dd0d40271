"""Scheduled jobs of the Telegram adapter."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels import reconcile
from shopkeeper.bots.telegram.repository import UpdateRepository
from shopkeeper.container import Container
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


async def reconcile_chats(session: AsyncSession, container: Container, now: datetime) -> None:
    """Remove members of the shops' chats who hold no active grant (leaked links)."""
    await reconcile.reconcile_chats(session, container, now)


TASKS = [Task("telegram.prune_updates", prune_updates, every=timedelta(hours=1))]
TASKS += [Task("telegram.reconcile_chats", reconcile_chats, every=timedelta(minutes=10))]
