"""Scheduled jobs of the integrations context."""

from __future__ import annotations

from datetime import timedelta

import structlog

from shopkeeper.container import Container
from shopkeeper.integrations.delivery import deliver_due
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)


async def deliver(container: Container) -> None:
    """Send the webhook deliveries that are due (first tries and retries)."""
    made = await deliver_due(container)
    if made:
        log.info("integrations.delivered", attempts=made)


TASKS = [Task("integrations.deliver", deliver, every=timedelta(seconds=5))]
