"""Scheduled jobs of the Discord adapter."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access
from shopkeeper.access import Platform
from shopkeeper.bots.discord.errors import DiscordApiError, DiscordUnavailable
from shopkeeper.bots.discord.repository import ConnectionRepository
from shopkeeper.container import Container
from shopkeeper.scheduler import Task

log = structlog.get_logger(__name__)
BATCH = 200  # grants per shop and run: a burst of waiting grants drains over a few runs


async def resume_grants(session: AsyncSession, container: Container, now: datetime) -> None:
    """Retry the pending and action-required Discord grants of every connected shop (a
    Discord outage, a role fixed without a check, a member who joined the server since)."""
    for connection in await ConnectionRepository(session).all_active():
        try:
            async with session.begin_nested():
                changed = await access.resume_for_platform(
                    session, container, shop_id=connection.shop_id,
                    platform=Platform.DISCORD_ROLE, now=now, limit=BATCH,
                )  # fmt: skip
        except (DiscordApiError, DiscordUnavailable) as exc:
            log.warning("discord.resume_failed", shop_id=str(connection.shop_id), error=exc.detail)
            continue
        if changed:
            log.info("discord.grants_resumed", shop_id=str(connection.shop_id), count=changed)


TASKS = [Task("discord.resume_grants", resume_grants, every=timedelta(minutes=15))]
