"""Scheduled jobs of the subscriptions context."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.scheduler import Task
from shopkeeper.settings import Settings
from shopkeeper.subscriptions.service import jobs

log = structlog.get_logger(__name__)


async def expire(session: AsyncSession, now: datetime) -> None:
    """Periods and grace that ran out: past_due, expired or canceled, each published once."""
    changed = await jobs.expire_due(session, now=now)
    if changed:
        log.info("subscriptions.expired", count=changed)


async def remind(session: AsyncSession, now: datetime, settings: Settings) -> None:
    """Reminders N days before the end (SHOPKEEPER_SUBSCRIPTION_REMINDER_DAYS) and at expiry."""
    sent = await jobs.send_reminders(session, now=now, offsets=settings.subscription_reminder_days)
    if sent:
        log.info("subscriptions.reminded", count=sent)


TASKS = [
    Task("subscriptions.expire", expire, every=timedelta(minutes=1)),
    Task("subscriptions.remind", remind, every=timedelta(minutes=5)),
]
