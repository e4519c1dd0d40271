"""SQL of plan changes and of a shop's plan-change rules.

The job's queries (`due_switches`, `close_orphans`) scan every shop, taking rows FOR UPDATE
SKIP LOCKED so several workers share the work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update

from shopkeeper.subscriptions.models import (
    LIVE_STATUSES,
    PlanChange,
    Subscription,
    SubscriptionSettings,
)
from shopkeeper.subscriptions.repository import SubscriptionRepository

OPEN_STATUSES = ("awaiting_payment", "scheduled")


class PlanChangeRepository(SubscriptionRepository):
    def add(self, change: PlanChange) -> PlanChange:
        self.session.add(change)
        return change

    async def open_change(
        self, shop_id: uuid.UUID, subscription_id: uuid.UUID, *, lock: bool = True
    ) -> PlanChange | None:
        """The subscription's open change (awaiting payment or scheduled), locked unless
        only read (a preview)."""
        query = select(PlanChange).where(
            PlanChange.shop_id == shop_id,
            PlanChange.subscription_id == subscription_id,
            PlanChange.status.in_(OPEN_STATUSES),
        )
        if not lock:
            return (await self.session.execute(query)).scalar_one_or_none()
        return await self._locked_change(query)

    async def holds_live(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, product_id: uuid.UUID
    ) -> bool:
        """Whether the customer has a live subscription to the plan (not locked)."""
        return await self.any(shop_id, where=[
            Subscription.customer_id == customer_id, Subscription.product_id == product_id,
            Subscription.status.in_(LIVE_STATUSES),
        ])  # fmt: skip

    async def by_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> PlanChange | None:
        """The change whose payment `order_id` collects, locked."""
        query = select(PlanChange).where(
            PlanChange.shop_id == shop_id, PlanChange.order_id == order_id
        )
        return await self._locked_change(query)

    async def _locked_change(self, query: Select[PlanChange]) -> PlanChange | None:
        await self.session.flush()
        statement = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def is_plan_change_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> bool:
        query = select(PlanChange.id).where(
            PlanChange.shop_id == shop_id, PlanChange.order_id == order_id
        )
        return (await self.session.execute(query.limit(1))).first() is not None

    async def history(self, shop_id: uuid.UUID, subscription_id: uuid.UUID) -> Sequence[PlanChange]:
        query = (
            select(PlanChange)
            .where(PlanChange.shop_id == shop_id, PlanChange.subscription_id == subscription_id)
            .order_by(PlanChange.created_at.desc(), PlanChange.id.desc())
        )
        return (await self.session.execute(query)).scalars().all()

    async def moving_to(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, product_id: uuid.UUID
    ) -> Subscription | None:
        """The customer's live subscription scheduled to move to `product_id`, locked."""
        query = select(Subscription).where(
            Subscription.shop_id == shop_id,
            Subscription.customer_id == customer_id,
            Subscription.pending_product_id == product_id,
            Subscription.status.in_(LIVE_STATUSES),
        )
        return await self._one(query, True)

    async def due_switches(self, now: datetime, limit: int) -> Sequence[Subscription]:
        """Live subscriptions whose scheduled plan change is due, locked (others skipped)."""
        query = select(Subscription).where(
            Subscription.pending_product_id.is_not(None),
            Subscription.pending_from <= now,
            Subscription.status.in_(LIVE_STATUSES),
        )
        return await self._due(query.order_by(Subscription.pending_from), limit)

    async def close_orphans(self, now: datetime) -> None:
        """Open changes of subscriptions that ended meanwhile are canceled."""
        ended = select(Subscription.id).where(Subscription.status.not_in(LIVE_STATUSES))
        statement = (
            update(PlanChange)
            .where(PlanChange.status.in_(OPEN_STATUSES), PlanChange.subscription_id.in_(ended))
            .values(status="canceled", cancel_reason="the subscription ended", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)

    async def rules(self, shop_id: uuid.UUID) -> SubscriptionSettings | None:
        return await self.session.get(SubscriptionSettings, shop_id)

    def add_rules(self, row: SubscriptionSettings) -> SubscriptionSettings:
        self.session.add(row)
        return row
