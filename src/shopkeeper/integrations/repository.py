"""All SQL of the integrations context; every query takes the shop (or claimed ids) explicitly."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

PENDING = "pending"


def _claimable(now: datetime) -> tuple[Any, ...]:
    """Due, not held by another sender's lease."""
    return (
        WebhookDelivery.status == PENDING,
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
    )


class EndpointRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.session.add(endpoint)
        return endpoint

    async def get(self, shop_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        return await self.session.scalar(
            select(WebhookEndpoint).where(
                WebhookEndpoint.shop_id == shop_id, WebhookEndpoint.id == endpoint_id
            )
        )

    async def list(self, shop_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
        rows = await self.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.shop_id == shop_id)
            .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        )
        return rows.all()

    async def enabled(self, shop_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
        rows = await self.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.shop_id == shop_id, WebhookEndpoint.enabled.is_(True)
            )
        )
        return rows.all()

    async def delete(self, endpoint: WebhookEndpoint) -> None:
        await self.session.delete(endpoint)

    async def mark_failing(self, endpoint_id: uuid.UUID, *, now: datetime, gave_up: bool) -> None:
        """Start the failure clock (if not running) and count a delivery that gave up."""
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=now)
        )
        if gave_up:
            await self.session.execute(
                update(WebhookEndpoint)
                .where(WebhookEndpoint.id == endpoint_id)
                .values(failed_deliveries=WebhookEndpoint.failed_deliveries + 1)
            )

    async def mark_healthy(self, endpoint_id: uuid.UUID) -> None:
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(failing_since=None, failed_deliveries=0)
        )

    async def disable(self, endpoint_id: uuid.UUID, *, reason: str, now: datetime) -> bool:
        """Switch an enabled endpoint off; False when it already was (another sender did it)."""
        result = await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True))
            .values(enabled=False, disabled_reason=reason[:300], updated_at=now)
            .returning(WebhookEndpoint.id)
        )
        return result.first() is not None


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, rows: list[dict[str, Any]]) -> None:
        """Insert deliveries; one that exists for (endpoint, event) already is left alone."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self.session.execute(insert(WebhookDelivery).values(rows).on_conflict_do_nothing())

    async def claim_due(
        self, *, now: datetime, until: datetime, token: str, limit: int
    ) -> list[uuid.UUID]:
        """Lease due deliveries of enabled endpoints (SKIP LOCKED on PostgreSQL)."""
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(*_claimable(now), WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
        return await self._lease(WebhookDelivery.id.in_(due), now, until, token)

    async def claim_one(
        self, delivery_id: uuid.UUID, *, now: datetime, until: datetime, token: str
    ) -> bool:
        """Lease one delivery whatever its status, unless a sender holds it right now."""
        lease_free = or_(
            WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now
        )
        stmt = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, lease_free)
            .values(claimed_until=until, claim_token=token)
            .returning(WebhookDelivery.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def _lease(
        self, which: Any, now: datetime, until: datetime, token: str
    ) -> list[uuid.UUID]:
        stmt = (
            update(WebhookDelivery)
            .where(which, *_claimable(now))
            .values(claimed_until=until, claim_token=token)
            .returning(WebhookDelivery.id)
        )
        return [row[0] for row in await self.session.execute(stmt)]

    async def with_endpoints(
        self, ids: Sequence[uuid.UUID]
    ) -> Sequence[tuple[WebhookDelivery, WebhookEndpoint]]:
        rows = await self.session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(ids))
        )
        return [(row[0], row[1]) for row in rows]

    async def get(
        self, shop_id: uuid.UUID, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> WebhookDelivery | None:
        return await self.session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.shop_id == shop_id,
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.id == delivery_id,
            )
        )

    async def page(
        self, shop_id: uuid.UUID, endpoint_id: uuid.UUID, *, status: str | None, limit: int,
        offset: int,
    ) -> tuple[Sequence[WebhookDelivery], int]:  # fmt: skip
        """Newest first, with the total for the page."""
        where = [WebhookDelivery.shop_id == shop_id, WebhookDelivery.endpoint_id == endpoint_id]
        if status is not None:
            where.append(WebhookDelivery.status == status)
        total = await self.session.scalar(select(func.count()).where(*where))
        rows = await self.session.scalars(
            select(WebhookDelivery)
            .where(*where)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), int(total or 0)

    async def latest_per_endpoint(self, shop_id: uuid.UUID) -> Sequence[WebhookDelivery]:
        """Each endpoint's newest delivery, in one query (each found through its index)."""
        latest = (
            select(WebhookDelivery.id)
            .where(WebhookDelivery.endpoint_id == WebhookEndpoint.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(1)
            .correlate(WebhookEndpoint)
            .scalar_subquery()
        )
        rows = await self.session.scalars(
            select(WebhookDelivery)
            .join(WebhookEndpoint, WebhookDelivery.id == latest)
            .where(WebhookEndpoint.shop_id == shop_id)
        )
        return rows.all()

    async def attempts(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[WebhookAttempt]]:
        """Each delivery's attempts, oldest first."""
        result: dict[uuid.UUID, list[WebhookAttempt]] = {i: [] for i in ids}
        rows = await self.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(ids))
            .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
        )
        for attempt in rows:
            result[attempt.delivery_id].append(attempt)
        return result

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)

    async def settle(self, delivery_id: uuid.UUID, token: str, values: dict[str, Any]) -> bool:
        """Write an attempt's outcome and free the lease, if the lease is still ours."""
        result = await self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.claim_token == token)
            .values(claimed_until=None, claim_token=None, **values)
            .returning(WebhookDelivery.id)
        )
        return result.first() is not None
