"""Scheduled jobs of the payments context."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from shopkeeper.container import Container
from shopkeeper.payments.flows import settle_due
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)


async def settle(container: Container, now: datetime) -> None:
    """Capture authorisations and refund flagged money that the webhook path left open."""
    count = await settle_due(container, now)
    if count:
        log.info("payments.settled", count=count)


TASKS = [Task("payments.settle", settle, every=timedelta(minutes=5))]
