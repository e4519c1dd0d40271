"""Scheduled jobs of the subscriptions context."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import payments
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.scheduler import Task
from shopkeeper.settings import Settings
from shopkeeper.subscriptions.service import jobs, renewals

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


async def renew(container: Container, now: datetime) -> None:
    """Charge the saved methods of auto-renewing subscriptions ending within
    SHOPKEEPER_RENEWAL_LEAD_HOURS: claimed once per period end, each charge outside the claim's
    transaction, its answer recorded after."""
    lead = timedelta(hours=container.settings.renewal_lead_hours)
    async with unit_of_work(container.sessions) as session:
        charges = await renewals.claim_due(
            session, now=now, lead=lead, providers=payments.saved_method_providers()
        )
    for charge in charges:
        await _charge(container, charge)
    if charges:
        log.info("subscriptions.renewals_charged", count=len(charges))
    await _tell_providers(container)


async def _charge(container: Container, charge: renewals.RenewalCharge) -> None:
    payment, error = None, None
    try:
        payment = await payments.charge_saved_method(
            container, shop_id=charge.shop_id, order_id=charge.order_id,
            provider=charge.provider, method_reference=charge.method_reference,
        )  # fmt: skip
    except AppError as exc:  # not configured any more, the order closed meanwhile, ...
        error = f"{exc.code}: {exc.detail}"
    async with unit_of_work(container.sessions) as session:
        await renewals.finish_charge(
            session, shop_id=charge.shop_id, order_id=charge.order_id, payment=payment,
            error=error, now=container.clock.now(),
        )  # fmt: skip


async def _tell_providers(container: Container) -> None:
    """Best effort: a provider's own subscription stops (or goes on) as ours does, told once
    per change; a refusal is audited."""
    async with unit_of_work(container.sessions) as session:
        due = await renewals.provider_cancels_due(
            session, providers=payments.subscription_providers()
        )
    for told in due:
        error = None
        key = f"cancel-{told.subscription_id}-{told.cancel}-{told.changed_at.timestamp()}"
        try:
            await payments.set_provider_cancel_at_period_end(
                container, shop_id=told.shop_id, provider=told.provider,
                reference=told.reference, cancel=told.cancel, idempotency_key=key[:255],
            )  # fmt: skip
        except AppError as exc:
            error = f"{exc.code}: {exc.detail}"
            log.warning("subscriptions.provider_cancel_failed", error=error)
        async with unit_of_work(container.sessions) as session:
            await renewals.record_provider_cancel(
                session, told=told, error=error, now=container.clock.now()
            )


TASKS = [
    Task("subscriptions.expire", expire, every=timedelta(minutes=1)),
    Task("subscriptions.remind", remind, every=timedelta(minutes=5)),
    Task("subscriptions.renew", renew, every=timedelta(minutes=10)),
]
