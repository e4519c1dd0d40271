"""Payment figures for dashboards: outcomes in a window, webhooks that went wrong."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentOutcomes, PaymentStatus, WebhookProblem

SUCCEEDED = (PaymentStatus.SUCCEEDED.value, PaymentStatus.REFUNDED.value)
FAILED = (PaymentStatus.FAILED.value, PaymentStatus.CANCELED.value)
WEBHOOK_PROBLEMS = ("failed", "rejected")


async def payment_outcomes(
    session: AsyncSession, *, shop_id: uuid.UUID, since: datetime, until: datetime
) -> PaymentOutcomes:
    """How the payments started in [since, until] ended: succeeded (refunded later included),
    failed or canceled, still open; the success rate over those that ended."""
    counts = await PaymentsRepository(session).statuses_between(shop_id, since, until)
    succeeded = sum(counts.get(status, 0) for status in SUCCEEDED)
    failed = sum(counts.get(status, 0) for status in FAILED)
    ended = succeeded + failed
    return PaymentOutcomes(
        succeeded=succeeded, failed=failed, open=sum(counts.values()) - ended,
        success_rate=round(succeeded / ended, 4) if ended else None,
    )  # fmt: skip


async def webhook_problems(
    session: AsyncSession, *, shop_id: uuid.UUID, since: datetime, limit: int = 5
) -> tuple[int, list[WebhookProblem]]:
    """Inbound webhooks received since `since` that failed or were rejected: how many, and
    the latest `limit` of them."""
    repo = PaymentsRepository(session)
    count, rows = await repo.webhooks_with_status(shop_id, WEBHOOK_PROBLEMS, since, limit)
    return count, [WebhookProblem.model_validate(row) for row in rows]
