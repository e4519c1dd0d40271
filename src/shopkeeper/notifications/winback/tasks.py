"""Scheduled job of win-back chains: send the steps that are due, each once."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.notifications.service.sending import registered_messengers
from shopkeeper.notifications.winback.service import claim_due, send_step
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)
LEASE = timedelta(minutes=10)


async def send_due(container: Container, now: datetime) -> int:
    """Claim the due steps (one short transaction), then send each in its own transaction,
    so a failure of one leaves its claim to expire and be retried, and the others stand."""
    async with unit_of_work(container.sessions) as session:
        claims = await claim_due(session, now=now, lease=LEASE)
    messengers = registered_messengers(container)
    sent = 0
    for claim in claims:
        try:
            async with unit_of_work(container.sessions) as session:
                sent += await send_step(session, messengers, claim, now=container.clock.now())
        except Exception:  # one customer's failure must not stop the others' steps
            log.exception("notifications.winback_step_failed", send_id=str(claim.send_id))
    if sent:
        log.info("notifications.winback_sent", count=sent)
    return sent


TASKS = [Task("notifications.winback", send_due, every=timedelta(minutes=5))]
