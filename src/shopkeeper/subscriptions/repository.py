"""All SQL of the subscriptions context; tenant queries are scoped to one shop.

The scheduled jobs scan every shop at once (they run for the whole installation) and lock
what they take with FOR UPDATE SKIP LOCKED, so several workers share the work; on SQLite
BEGIN IMMEDIATE already runs one writer at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.subscriptions.models import (
    LIVE_STATUSES,
    Subscription,
    SubscriptionPeriod,
    SubscriptionReminder,
)

RUNNING = ("trialing", "active")  # within a paid (or trial) period
# An automatically renewing period runs on this long past its end: a provider's own
# subscription (Stripe) charges the next period about an hour after the period starts.
AUTO_RENEWAL_ALLOWANCE = timedelta(days=1)


class SubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self, table: Any) -> Any:
        dialect = self.session.get_bind().dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    async def get(
        self, shop_id: uuid.UUID, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> Subscription | None:
        query = select(Subscription).where(
            Subscription.shop_id == shop_id, Subscription.id == subscription_id
        )
        return await self._one(query, for_update)

    async def live(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, product_id: uuid.UUID
    ) -> Subscription | None:
        """The customer's live subscription to the plan, locked."""
        query = select(Subscription).where(
            Subscription.shop_id == shop_id,
            Subscription.customer_id == customer_id,
            Subscription.product_id == product_id,
            Subscription.status.in_(LIVE_STATUSES),
        )
        return await self._one(query, True)

    async def _one(self, query: Any, for_update: bool) -> Subscription | None:
        if for_update:
            # Reloading a locked row must not drop this session's unflushed changes to it.
            await self.session.flush()
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def ever_had(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, product_id: uuid.UUID
    ) -> bool:
        query = select(
            exists().where(
                Subscription.shop_id == shop_id,
                Subscription.customer_id == customer_id,
                Subscription.product_id == product_id,
            )
        )
        return bool(await self.session.scalar(query))

    async def insert_live(self, values: dict[str, Any]) -> bool:
        """Insert a live subscription unless the customer already has one (a concurrent buy)."""
        statement = (
            self._insert(Subscription)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(Subscription.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        where: Sequence[Any],
        by_end: bool,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Subscription], int]:
        conditions = [Subscription.shop_id == shop_id, *where]
        total = await self.session.scalar(
            select(func.count()).select_from(Subscription).where(*conditions)
        )
        order = (
            (Subscription.period_end, Subscription.id)
            if by_end
            else (Subscription.created_at.desc(), Subscription.id.desc())
        )
        query = select(Subscription).where(*conditions).order_by(*order).limit(limit).offset(offset)
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def any(self, shop_id: uuid.UUID, *, where: Sequence[Any]) -> bool:
        query = select(exists().where(Subscription.shop_id == shop_id, *where))
        return bool(await self.session.scalar(query))

    async def for_customer(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, *, live_only: bool
    ) -> Sequence[Subscription]:
        query = select(Subscription).where(
            Subscription.shop_id == shop_id, Subscription.customer_id == customer_id
        )
        if live_only:
            query = query.where(Subscription.status.in_(LIVE_STATUSES))
        query = query.order_by(Subscription.period_end.desc(), Subscription.id)
        return (await self.session.execute(query)).scalars().all()

    async def live_of_customers(
        self, shop_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
    ) -> Sequence[Subscription]:
        """Live subscriptions of several customers, locked in id order."""
        await self.session.flush()
        query = (
            select(Subscription)
            .where(
                Subscription.shop_id == shop_id,
                Subscription.customer_id.in_(customer_ids),
                Subscription.status.in_(LIVE_STATUSES),
            )
            .order_by(Subscription.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def repoint_customer(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
    ) -> None:
        statement = (
            update(Subscription)
            .where(Subscription.shop_id == shop_id, Subscription.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)

    async def start_paid_periods(self, now: datetime) -> None:
        """Trials that are over while the paid period runs: trialing → active."""
        statement = (
            update(Subscription)
            .where(
                Subscription.status == "trialing",
                Subscription.trial_end <= now,
                Subscription.period_end > now,
            )
            .values(status="active", updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)

    async def period_over(self, now: datetime, limit: int) -> Sequence[Subscription]:
        """Trialing or active subscriptions past their period end, locked (others skipped)."""
        no_renewal = or_(Subscription.renewal != "auto", Subscription.cancel_at_period_end)
        over = or_(
            and_(no_renewal, Subscription.period_end <= now),
            Subscription.period_end <= now - AUTO_RENEWAL_ALLOWANCE,
        )
        query = select(Subscription).where(Subscription.status.in_(RUNNING), over)
        return await self._due(query.order_by(Subscription.period_end), limit)

    async def grace_over(self, now: datetime, limit: int) -> Sequence[Subscription]:
        query = select(Subscription).where(
            Subscription.status == "past_due", Subscription.grace_until <= now
        )
        return await self._due(query.order_by(Subscription.grace_until), limit)

    async def _due(self, query: Any, limit: int) -> Sequence[Subscription]:
        await self.session.flush()
        query = (
            query.limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def due_reminder(
        self, now: datetime, offset_days: int, limit: int
    ) -> Sequence[Subscription]:
        """Running subscriptions ending within `offset_days` with no reminder this close yet."""
        query = select(Subscription).where(
            Subscription.status.in_(RUNNING),
            Subscription.cancel_at_period_end.is_(False),
            Subscription.renewal == "manual",  # an automatic renewal needs no reminder
            Subscription.period_end > now,
            Subscription.period_end <= now + timedelta(days=offset_days),
            ~_reminded(SubscriptionReminder.offset_days <= offset_days),
        )
        query = query.order_by(Subscription.period_end, Subscription.id).limit(limit)
        return (await self.session.execute(query)).scalars().all()

    async def just_ended(
        self, now: datetime, since: datetime, limit: int
    ) -> Sequence[Subscription]:
        """Subscriptions whose period ended since `since` (past due, or ran out) not yet told."""
        ran_out = and_(
            Subscription.status.in_(("expired", "canceled")),
            Subscription.ended_reason.in_(("expired", "canceled")),
        )
        query = select(Subscription).where(
            (Subscription.status == "past_due") | ran_out,
            Subscription.period_end <= now,
            Subscription.period_end > since,
            ~_reminded(SubscriptionReminder.kind == "expired"),
        )
        query = query.order_by(Subscription.period_end, Subscription.id).limit(limit)
        return (await self.session.execute(query)).scalars().all()

    async def claim_reminder(self, values: dict[str, Any]) -> bool:
        """Insert the reminder's row; False when another worker (or an earlier run) has it."""
        statement = (
            self._insert(SubscriptionReminder)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(SubscriptionReminder.id)
        )
        return (await self.session.execute(statement)).first() is not None


def _reminded(condition: Any) -> Any:
    """EXISTS a reminder of the subscription's current period end matching `condition`."""
    return exists().where(
        SubscriptionReminder.subscription_id == Subscription.id,
        SubscriptionReminder.period_end == Subscription.period_end,
        condition,
    )


class PeriodRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, period: SubscriptionPeriod) -> SubscriptionPeriod:
        self.session.add(period)
        return period

    async def paid_by(
        self, order_id: uuid.UUID, product_id: uuid.UUID
    ) -> SubscriptionPeriod | None:
        query = select(SubscriptionPeriod).where(
            SubscriptionPeriod.order_id == order_id,
            SubscriptionPeriod.product_id == product_id,
            SubscriptionPeriod.kind == "payment",
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def last_paid(
        self, shop_id: uuid.UUID, subscription_id: uuid.UUID
    ) -> SubscriptionPeriod | None:
        """The latest move of the subscription's end that an order paid for."""
        query = (
            select(SubscriptionPeriod)
            .where(
                SubscriptionPeriod.shop_id == shop_id,
                SubscriptionPeriod.subscription_id == subscription_id,
                SubscriptionPeriod.kind == "payment",
                SubscriptionPeriod.order_id.is_not(None),
            )
            .order_by(SubscriptionPeriod.created_at.desc(), SubscriptionPeriod.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def paid_by_order(
        self, shop_id: uuid.UUID, order_id: uuid.UUID
    ) -> Sequence[SubscriptionPeriod]:
        query = select(SubscriptionPeriod).where(
            SubscriptionPeriod.shop_id == shop_id,
            SubscriptionPeriod.order_id == order_id,
            SubscriptionPeriod.kind == "payment",
        )
        return (await self.session.execute(query.order_by(SubscriptionPeriod.id))).scalars().all()

    async def history(
        self, shop_id: uuid.UUID, subscription_id: uuid.UUID
    ) -> Sequence[SubscriptionPeriod]:
        query = (
            select(SubscriptionPeriod)
            .where(
                SubscriptionPeriod.shop_id == shop_id,
                SubscriptionPeriod.subscription_id == subscription_id,
            )
            .order_by(SubscriptionPeriod.created_at, SubscriptionPeriod.id)
        )
        return (await self.session.execute(query)).scalars().all()
