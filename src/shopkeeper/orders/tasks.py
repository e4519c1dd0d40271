"""Scheduled jobs of the orders context."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.orders.service import lifecycle
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)


async def expire_unpaid(session: AsyncSession, now: datetime) -> None:
    """Cancel orders left unpaid past their time; their stock and promo uses come back."""
    expired = await lifecycle.expire_unpaid(session, now=now)
    if expired:
        log.info("orders.expired", count=expired)


TASKS = [Task("orders.expire_unpaid", expire_unpaid, every=timedelta(minutes=1))]
