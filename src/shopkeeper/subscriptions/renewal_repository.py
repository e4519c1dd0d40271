"""SQL of automatic renewals: subscriptions due for one, the renewals claimed, and what a
provider's own subscription must be told. Scans every shop (the job runs for the whole
installation); rows are taken FOR UPDATE SKIP LOCKED so several workers share the work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select

from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription, SubscriptionRenewal
from shopkeeper.subscriptions.repository import SubscriptionRepository


class RenewalRepository(SubscriptionRepository):
    async def due_renewal(
        self, until: datetime, providers: Sequence[str], limit: int
    ) -> Sequence[Subscription]:
        """Live subscriptions renewing automatically through `providers` whose period ends by
        `until`, not canceled at its end, with no renewal claimed for that end; locked."""
        claimed = exists().where(
            SubscriptionRenewal.subscription_id == Subscription.id,
            SubscriptionRenewal.period_end == Subscription.period_end,
        )
        query = select(Subscription).where(
            Subscription.status.in_(LIVE_STATUSES),
            Subscription.renewal == "auto",
            Subscription.renewal_provider.in_(providers),
            Subscription.cancel_at_period_end.is_(False),
            Subscription.period_end <= until,
            ~claimed,
        )
        return await self._due(query.order_by(Subscription.period_end, Subscription.id), limit)

    async def renewing_with(
        self, shop_id: uuid.UUID, provider: str, reference: str
    ) -> Sequence[Subscription]:
        """Live subscriptions that renew automatically through `reference`, locked."""
        await self.session.flush()
        query = (
            select(Subscription)
            .where(
                Subscription.shop_id == shop_id,
                Subscription.status.in_(LIVE_STATUSES),
                Subscription.renewal == "auto",
                Subscription.renewal_provider == provider,
                Subscription.renewal_reference == reference,
            )
            .order_by(Subscription.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def claim_renewal(self, values: dict[str, Any]) -> SubscriptionRenewal | None:
        """Insert the renewal's row; None when another worker (or an earlier run) has it."""
        statement = (
            self._insert(SubscriptionRenewal)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(SubscriptionRenewal.id)
        )
        if (await self.session.execute(statement)).first() is None:
            return None
        return await self.session.get(SubscriptionRenewal, values["id"])

    async def renewal_of_order(
        self, shop_id: uuid.UUID, order_id: uuid.UUID
    ) -> SubscriptionRenewal | None:
        """The automatic renewal that placed `order_id`, locked."""
        query = (
            select(SubscriptionRenewal)
            .where(SubscriptionRenewal.shop_id == shop_id, SubscriptionRenewal.order_id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def stale_renewals(self, before: datetime, limit: int) -> Sequence[SubscriptionRenewal]:
        """Renewals claimed before `before` whose charge never got an answer (a crash)."""
        query = (
            select(SubscriptionRenewal)
            .where(SubscriptionRenewal.status == "claimed", SubscriptionRenewal.created_at < before)
            .order_by(SubscriptionRenewal.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def provider_cancel_out_of_step(
        self, providers: Sequence[str], limit: int
    ) -> Sequence[Subscription]:
        """Subscriptions renewing through a provider's own subscription whose provider has not
        been told yet that it must stop after its period (cancel at period end, or ended) —
        or must go on again (the cancellation taken back)."""
        stop = or_(
            Subscription.cancel_at_period_end.is_(True),
            Subscription.status.not_in(LIVE_STATUSES),
        )
        out_of_step = or_(
            and_(stop, Subscription.renewal_cancel_sent.is_(False)),
            and_(~stop, Subscription.renewal_cancel_sent.is_(True)),
        )
        query = select(Subscription).where(
            Subscription.renewal == "auto",
            Subscription.renewal_provider.in_(providers),
            Subscription.renewal_reference.is_not(None),
            out_of_step,
        )
        query = query.order_by(Subscription.updated_at, Subscription.id).limit(limit)
        return (await self.session.execute(query)).scalars().all()
