"""SQL of a shop's subscription figures: live per plan, started, ended and live at a moment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select

from shopkeeper.subscriptions.models import Subscription
from shopkeeper.subscriptions.repository import RUNNING, SubscriptionRepository

CHURNED = ("expired", "canceled", "revoked", "refunded")  # not merged, not replaced


class StatsRepository(SubscriptionRepository):
    async def live_per_plan(self, shop_id: uuid.UUID) -> Sequence[tuple[uuid.UUID, str, int]]:
        """(plan, status, how many) of the live subscriptions."""
        query = (
            select(Subscription.product_id, Subscription.status, func.count())
            .where(Subscription.shop_id == shop_id, Subscription.status.in_(
                (*RUNNING, "past_due")))
            .group_by(Subscription.product_id, Subscription.status)
        )  # fmt: skip
        return [(row[0], row[1], int(row[2])) for row in await self.session.execute(query)]

    async def started_between(
        self, shop_id: uuid.UUID, since: datetime, until: datetime
    ) -> Sequence[datetime]:
        query = select(Subscription.started_at).where(
            Subscription.shop_id == shop_id,
            Subscription.started_at >= since,
            Subscription.started_at <= until,
        )
        return (await self.session.execute(query)).scalars().all()

    async def ended_between(self, shop_id: uuid.UUID, since: datetime, until: datetime) -> int:
        """Subscriptions that ended in [since, until] for a reason that loses a subscriber."""
        query = select(func.count()).where(
            Subscription.shop_id == shop_id,
            Subscription.ended_at >= since,
            Subscription.ended_at <= until,
            Subscription.ended_reason.in_(CHURNED),
        )
        return int(await self.session.scalar(query) or 0)

    async def live_at(self, shop_id: uuid.UUID, moment: datetime) -> int:
        """Subscriptions that had started and not ended at `moment`."""
        query = select(func.count()).where(
            Subscription.shop_id == shop_id,
            Subscription.started_at <= moment,
            or_(Subscription.ended_at.is_(None), Subscription.ended_at > moment),
        )
        return int(await self.session.scalar(query) or 0)

    async def last_change(self, shop_id: uuid.UUID) -> tuple[int, datetime | None]:
        """How many subscriptions the shop has and when one last changed (a cheap version)."""
        query = select(func.count(), func.max(Subscription.updated_at)).where(
            Subscription.shop_id == shop_id
        )
        row = (await self.session.execute(query)).one()
        return int(row[0] or 0), row[1]
